using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;
using RagLab.Core.Tests.Evaluation.Fakes;

namespace RagLab.Core.Tests.Retrieval;

/// <summary>
/// The default retriever on a collection whose vectors another embedding model made: bm25 with a warning that names both models
/// and the re-embed, while a named dense or hybrid retriever still refuses the collection.
/// </summary>
public class RetrieverCatalogTests
{
    private const string Configured = "nomic-embed-text";

    private static RetrieverCatalog Catalog(VectorModelCounts vectors, bool withEmbeddings = true)
    {
        var provider = new FakeModelProvider(withEmbeddings ? new ConceptEmbeddingGenerator(Configured) : null);
        var guard = new VectorModelGuard(vectors, new FakeDocumentStore());
        var bm25 = new Bm25Retriever(new StoredBm25Index());
        var dense = new DenseRetriever(new ExactVectorIndex(), provider, guard);
        return new RetrieverCatalog([bm25, dense, new HybridRetriever(bm25, dense)], provider, guard);
    }

    [Fact]
    public async Task The_default_falls_back_to_bm25_on_a_collection_embedded_with_another_model_and_says_how_to_reembed()
    {
        var catalog = Catalog(new VectorModelCounts(new CollectionVectorModel("shop", "all-minilm-l6-v2", 2)));

        var resolved = await catalog.ResolveAsync(null, "shop", CancellationToken.None);

        Assert.Equal("bm25", resolved.Name);
        Assert.NotNull(resolved.Warning);
        Assert.Contains("instead of the default hybrid", resolved.Warning);
        Assert.Contains("all-minilm-l6-v2 (2 chunks)", resolved.Warning);
        Assert.Contains("configured embedding model is nomic-embed-text", resolved.Warning);
        Assert.Contains("POST /api/collections/shop/reembed", resolved.Warning);
        Assert.Contains("raglab reembed shop", resolved.Warning);
    }

    [Theory]
    [InlineData("hybrid")]
    [InlineData("dense")]
    public async Task A_named_retriever_that_needs_embeddings_is_kept_and_refuses_the_collection_with_reembed_needed(string name)
    {
        var catalog = Catalog(new VectorModelCounts(new CollectionVectorModel("shop", "all-minilm-l6-v2", 2)));

        var resolved = await catalog.ResolveAsync(name, "shop", CancellationToken.None);

        Assert.Equal(name, resolved.Name);
        Assert.Null(resolved.Warning);
        var refused = await Assert.ThrowsAsync<ReembedRequiredException>(
            () => resolved.Retriever.RetrieveAsync(new RetrievalQuery("refund window", "shop", 5), CancellationToken.None));
        Assert.Equal("shop", refused.Collection);
        Assert.Contains("POST /api/collections/shop/reembed", refused.Message);
    }

    [Fact]
    public async Task A_collection_embedded_with_the_configured_model_or_not_yet_embedded_gets_hybrid_by_default()
    {
        var catalog = Catalog(new VectorModelCounts(
            new CollectionVectorModel("shop", "all-minilm-l6-v2", 2),
            new CollectionVectorModel("docs", Configured, 3)));

        var embedded = await catalog.ResolveAsync(null, "docs", CancellationToken.None);
        var empty = await catalog.ResolveAsync(" ", "new", CancellationToken.None);

        Assert.Equal(("hybrid", null), (embedded.Name, embedded.Warning));
        Assert.Equal(("hybrid", null), (empty.Name, empty.Warning));
    }

    [Fact]
    public async Task Without_an_embedding_model_the_default_is_bm25_with_nothing_to_warn_about()
    {
        var catalog = Catalog(new VectorModelCounts(new CollectionVectorModel("shop", "all-minilm-l6-v2", 2)), withEmbeddings: false);

        var resolved = await catalog.ResolveAsync(null, "shop", CancellationToken.None);

        Assert.Equal(("bm25", null), (resolved.Name, resolved.Warning));
        await Assert.ThrowsAsync<DependencyUnavailableException>(() => catalog.ResolveAsync("hybrid", "shop", CancellationToken.None));
    }

    /// <summary>Which models made each collection's vectors, as the store would count them; it holds no chunks to embed.</summary>
    private sealed class VectorModelCounts(params CollectionVectorModel[] counts) : IChunkEmbeddingStore
    {
        public Task<IReadOnlyList<CollectionVectorModel>> GetVectorModelsAsync(string? collection, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<CollectionVectorModel>>([.. counts.Where(c => collection is null || c.Collection == collection)]);

        public Task<IReadOnlyList<Chunk>> GetChunksWithoutEmbeddingAsync(int limit, string model, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Chunk>>([]);

        public Task<int> CountChunksWithoutEmbeddingAsync(string model, CancellationToken cancellationToken) => Task.FromResult(0);

        public Task<IReadOnlyList<Chunk>> GetChunksToReembedAsync(string collection, int limit, string model, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Chunk>>([]);

        public Task<int> CountChunksToReembedAsync(string collection, string model, CancellationToken cancellationToken) => Task.FromResult(0);

        public Task SaveEmbeddingsAsync(IReadOnlyDictionary<string, float[]> embeddings, string model, DateTimeOffset updatedAt, CancellationToken cancellationToken) =>
            throw new NotSupportedException("These tests only read which models made the vectors.");
    }
}
