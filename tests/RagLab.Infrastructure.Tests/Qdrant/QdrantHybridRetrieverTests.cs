using System.Text.Json.Nodes;
using RagLab.Infrastructure.Qdrant;
using static RagLab.Infrastructure.Tests.Qdrant.QdrantTestContext;
using RagLab.Core.Kernel;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Qdrant;

public sealed class QdrantHybridRetrieverTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ConceptEmbeddingGenerator _embeddings = new("cat", "dog", "rocket", "engine");
    private QdrantTestContext _context = null!;
    private QdrantChunkIndex _index = null!;
    private List<Chunk> _chunks = null!;

    public async Task InitializeAsync()
    {
        _context = await StartAsync();
        _index = _context.CreateIndex();
        // No two chunks tie in either ranking, so the expected fusion does not depend on how the server breaks ties.
        _chunks =
        [
            MakeChunk("docs", "doc-a", 0, "cat cat"),
            MakeChunk("docs", "doc-a", 1, "rocket engine launch"),
            MakeChunk("docs", "doc-a", 2, "the zebra ate a cat near the river bank today"),
            MakeChunk("docs", "doc-b", 0, "dog barks at rocket rocket"),
            MakeChunk("docs", "doc-b", 1, "engine oil"),
            MakeChunk("docs", "doc-c", 0, "quantum flux"),
        ];
        await _index.UpsertAsync(_chunks.Select(c => Embed(c, _embeddings)).ToList(), None);
        _context.Server.ClearRequests();
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public void Is_the_hybrid_retriever_and_needs_embeddings()
    {
        var retriever = new QdrantHybridRetriever(_index, new StaticModelProvider(_embeddings));

        Assert.Equal("hybrid", retriever.Name);
        Assert.True(retriever.RequiresEmbeddings);
    }

    [Fact]
    public async Task One_query_request_with_dense_and_bm25_prefetches_fused_by_rrf()
    {
        var retriever = new QdrantHybridRetriever(_index, new StaticModelProvider(_embeddings));

        await retriever.RetrieveAsync(new RetrievalQuery("cat rocket", "docs", 3), None);

        var request = Assert.Single(_context.Server.Requests);
        Assert.Equal(("POST", "/collections/raglab-docs/points/query"), (request.Method, request.Path));
        var body = request.Json!.AsObject();
        Assert.Equal(["limit", "prefetch", "query", "with_payload"], body.Select(p => p.Key).Order());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"fusion":"rrf"}"""), body["query"]));
        Assert.Equal(3, (int)body["limit"]!);
        Assert.True((bool)body["with_payload"]!);

        var prefetch = body["prefetch"]!.AsArray();
        Assert.Equal(2, prefetch.Count);
        Assert.Equal("dense", (string?)prefetch[0]!["using"]);
        Assert.Equal(_embeddings.Embed("cat rocket"), prefetch[0]!["query"]!.AsArray().Select(v => (float)v!));
        Assert.Equal("bm25", (string?)prefetch[1]!["using"]);
        Assert.Equal(["indices", "values"], prefetch[1]!["query"]!.AsObject().Select(p => p.Key).Order());
        Assert.All(prefetch, p => Assert.Equal(QdrantHybridRetriever.MinCandidates, (int)p!["limit"]!));
        Assert.All(prefetch, p => Assert.Equal(["limit", "query", "using"], p!.AsObject().Select(x => x.Key).Order()));
    }

    [Fact]
    public async Task Prefetch_limit_grows_with_top_k()
    {
        var retriever = new QdrantHybridRetriever(_index, new StaticModelProvider(_embeddings));

        await retriever.RetrieveAsync(new RetrievalQuery("cat", "docs", 80), None);

        var prefetch = _context.Server.Requests.Single().Json!["prefetch"]!.AsArray();
        Assert.All(prefetch, p => Assert.Equal(80, (int)p!["limit"]!));
    }

    [Fact]
    public async Task Hits_follow_reciprocal_rank_fusion_of_the_dense_and_keyword_rankings()
    {
        var retriever = new QdrantHybridRetriever(_index, new StaticModelProvider(_embeddings));
        const string Query = "cat rocket";

        var hits = await retriever.RetrieveAsync(new RetrievalQuery(Query, "docs", 5), None);

        // Qdrant's RRF: 1 / (position + 2) per list, position 0-based, summed over the lists a chunk is in.
        var dense = await _index.SearchAsync("docs", _embeddings.Embed(Query), 50, None);
        var keyword = await _index.SearchAsync("docs", Query, 50, None);
        var fused = new Dictionary<Chunk, double>();
        foreach (var list in new[] { dense, keyword })
        {
            for (var position = 0; position < list.Count; position++)
                fused[list[position].Chunk] = fused.GetValueOrDefault(list[position].Chunk) + 1.0 / (position + 2);
        }
        var expected = fused.OrderByDescending(f => f.Value).ThenBy(f => f.Key.Id, StringComparer.Ordinal).Take(5).ToList();

        Assert.Equal(expected.Select(e => e.Key), hits.Select(h => h.Chunk));
        Assert.Equal(expected.Select(e => e.Value), hits.Select(h => h.Score), new ToleranceComparer(1e-6));
        Assert.Equal([1, 2, 3, 4, 5], hits.Select(h => h.Rank));
        Assert.NotEqual(dense.Take(5).Select(d => d.Chunk), hits.Select(h => h.Chunk));
    }

    [Fact]
    public async Task Without_an_embedding_model_it_says_what_to_connect()
    {
        var retriever = new QdrantHybridRetriever(_index, new StaticModelProvider(null));

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() =>
            retriever.RetrieveAsync(new RetrievalQuery("cat", "docs", 3), None));

        Assert.Contains("embedding model", error.Message);
        Assert.Contains("bm25", error.Message);
        Assert.Empty(_context.Server.Requests);
    }

    [Fact]
    public async Task Collection_without_documents_gives_no_hits()
    {
        var retriever = new QdrantHybridRetriever(_index, new StaticModelProvider(_embeddings));

        Assert.Empty(await retriever.RetrieveAsync(new RetrievalQuery("cat", "empty", 3), None));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
