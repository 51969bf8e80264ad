using System.Diagnostics;
using RagLab.Core.Retrieval;
using RagLab.Core.Telemetry;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Retrieval;

public class RetrieverTests
{
    // BM25 for "kitten": X (tf 2) then Z (tf 1); Y and W do not contain the word.
    // Dense for "kitten" = feline: Y "cat" (cos 1), X [2,1,0] (2/√5), Z [1,1,0] (1/√2), W "bird" (0).
    private static readonly (string Id, string Text)[] Corpus =
    [
        ("X", "kitten kitten dog"), ("Y", "cat"), ("Z", "kitten dog"), ("W", "bird"),
    ];

    private static async Task<(Bm25Retriever Bm25, DenseRetriever Dense, ConceptEmbeddingGenerator Embedder)> BuildAsync(string collection, bool withEmbeddings = true)
    {
        var lexical = new StoredBm25Index();
        var vectors = new ExactVectorIndex();
        var chunks = Corpus.Select(c => TestChunks.Make(c.Id, c.Text, collection)).ToList();
        await lexical.AddAsync(chunks, CancellationToken.None);
        await vectors.UpsertAsync(chunks.Select(c => new EmbeddedChunk(c, ConceptEmbeddingGenerator.Embed(c.Text))).ToList(), CancellationToken.None);
        var embedder = new ConceptEmbeddingGenerator();
        var provider = new FakeModelProvider(withEmbeddings ? embedder : null);
        return (new Bm25Retriever(lexical), new DenseRetriever(vectors, provider), embedder);
    }

    [Fact]
    public async Task Bm25_returns_ranked_hits_with_scores_and_chunks()
    {
        var (bm25, _, _) = await BuildAsync("c");

        var hits = await bm25.RetrieveAsync(new RetrievalQuery("kitten", "c", 10), CancellationToken.None);

        Assert.Equal(["X", "Z"], hits.Select(h => h.Chunk.Id));
        Assert.Equal([1, 2], hits.Select(h => h.Rank));
        Assert.True(hits[0].Score > hits[1].Score);
        Assert.Equal("kitten kitten dog", hits[0].Chunk.Text);
        Assert.False(bm25.RequiresEmbeddings);
        Assert.Equal("bm25", bm25.Name);
    }

    [Fact]
    public async Task Dense_embeds_the_query_and_ranks_by_cosine()
    {
        var (_, dense, embedder) = await BuildAsync("c");

        var hits = await dense.RetrieveAsync(new RetrievalQuery("kitten", "c", 3), CancellationToken.None);

        Assert.Equal(["kitten"], embedder.Inputs);
        Assert.Equal(["Y", "X", "Z"], hits.Select(h => h.Chunk.Id));
        Assert.Equal([1, 2, 3], hits.Select(h => h.Rank));
        Assert.Equal(1.0, hits[0].Score, 1e-6);
        Assert.Equal(2 / Math.Sqrt(5), hits[1].Score, 1e-6);
        Assert.Equal(1 / Math.Sqrt(2), hits[2].Score, 1e-6);
    }

    [Fact]
    public async Task Hybrid_fuses_both_rankings_with_rrf()
    {
        var (bm25, dense, _) = await BuildAsync("c");
        var hybrid = new HybridRetriever(bm25, dense);

        var hits = await hybrid.RetrieveAsync(new RetrievalQuery("kitten", "c", 3), CancellationToken.None);

        // X: BM25 rank 1 + dense rank 2; Z: BM25 rank 2 + dense rank 3; Y: dense rank 1 only; W (dense rank 4) is cut.
        Assert.Equal(["X", "Z", "Y"], hits.Select(h => h.Chunk.Id));
        Assert.Equal([1, 2, 3], hits.Select(h => h.Rank));
        Assert.Equal(1.0 / 61 + 1.0 / 62, hits[0].Score, 12);
        Assert.Equal(1.0 / 62 + 1.0 / 63, hits[1].Score, 12);
        Assert.Equal(1.0 / 61, hits[2].Score, 12);
        Assert.True(hybrid.RequiresEmbeddings);
    }

    [Fact]
    public async Task Dense_and_hybrid_explain_how_to_connect_an_embedding_model()
    {
        var (bm25, dense, _) = await BuildAsync("c", withEmbeddings: false);
        var hybrid = new HybridRetriever(bm25, dense);
        var query = new RetrievalQuery("kitten", "c", 3);

        var denseError = await Assert.ThrowsAsync<DependencyUnavailableException>(() => dense.RetrieveAsync(query, CancellationToken.None));
        var hybridError = await Assert.ThrowsAsync<DependencyUnavailableException>(() => hybrid.RetrieveAsync(query, CancellationToken.None));

        Assert.Contains("ollama pull all-minilm", denseError.Message);
        Assert.Contains("RagLab:Ollama", denseError.Message);
        Assert.Equal(denseError.Message, hybridError.Message);
    }

    [Fact]
    public async Task An_unreachable_embedding_server_is_reported_as_unavailable()
    {
        var (_, dense, embedder) = await BuildAsync("c");
        embedder.Failure = new ModelCallException("Connection refused (localhost:11434)");

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => dense.RetrieveAsync(new RetrievalQuery("kitten", "c", 3), CancellationToken.None));

        Assert.Contains("Connection refused", error.Message);
        Assert.Contains("ollama pull all-minilm", error.Message);
    }

    [Fact]
    public async Task A_query_vector_of_another_dimension_says_the_embedding_model_changed()
    {
        var vectors = new ExactVectorIndex();
        await vectors.UpsertAsync([new EmbeddedChunk(TestChunks.Make("a", "cat"), new float[] { 1, 0, 0, 0 })], CancellationToken.None);
        var dense = new DenseRetriever(vectors, new FakeModelProvider(new ConceptEmbeddingGenerator()));

        var error = await Assert.ThrowsAsync<ValidationException>(() => dense.RetrieveAsync(new RetrievalQuery("cat", "c", 3), CancellationToken.None));

        Assert.Contains("embedding model was probably changed", error.Message);
    }

    [Theory]
    [InlineData("", "c", 5, "empty")]
    [InlineData("kitten", "c", 0, "TopK")]
    [InlineData("kitten", "c", 5000, "TopK")]
    [InlineData("kitten", "Bad Name!", 5, "Collection name")]
    public async Task Invalid_queries_are_rejected_with_a_clear_message(string text, string collection, int topK, string expected)
    {
        var (bm25, _, _) = await BuildAsync("c");

        var error = await Assert.ThrowsAsync<ValidationException>(() => bm25.RetrieveAsync(new RetrievalQuery(text, collection, topK), CancellationToken.None));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Retrieval_is_traced_as_a_retrieve_span()
    {
        const string collection = "traced-collection";
        var (bm25, _, _) = await BuildAsync(collection);
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RagLabTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("raglab.collection") as string == collection)
                    lock (spans) spans.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);

        await bm25.RetrieveAsync(new RetrievalQuery("kitten", collection, 5), CancellationToken.None);

        var span = Assert.Single(spans);
        Assert.Equal("retrieve", span.OperationName);
        Assert.Equal("bm25", span.GetTagItem("raglab.retriever"));
        Assert.Equal(2, span.GetTagItem("raglab.hits"));
    }
}
