using System.Collections.Concurrent;
using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval;

/// <summary>
/// Which embedding models made each collection's stored vectors, and whether they are the configured model's. A collection
/// holding another model's vectors is never searched by meaning with the configured model's query vector: dense and hybrid
/// refuse it with <see cref="ReembedRequiredException"/>, which names the re-embed to run. Reads are cached per collection
/// generation (every write that changes vectors moves it), so a search costs a generation read, not a scan.
/// </summary>
public sealed class VectorModelGuard(IChunkEmbeddingStore embeddings, IDocumentStore documents)
{
    private readonly ConcurrentDictionary<string, (long Generation, IReadOnlyList<CollectionVectorModel> Models)> _cache = new(StringComparer.Ordinal);

    /// <summary>The endpoint that re-embeds a collection.</summary>
    public static string ReembedEndpoint(string collection) => $"POST /api/collections/{collection}/reembed";

    /// <summary>The CLI command that re-embeds a collection.</summary>
    public static string ReembedCommand(string collection) => $"raglab reembed {collection}";

    /// <summary>The models of the collection's stored vectors, with their chunk counts.</summary>
    public async Task<IReadOnlyList<CollectionVectorModel>> GetModelsAsync(string collection, CancellationToken cancellationToken)
    {
        var generation = await documents.GetGenerationAsync(collection, cancellationToken).ConfigureAwait(false);
        if (_cache.TryGetValue(collection, out var cached) && cached.Generation == generation) return cached.Models;
        var models = await embeddings.GetVectorModelsAsync(collection, cancellationToken).ConfigureAwait(false);
        _cache[collection] = (generation, models);
        return models;
    }

    /// <summary>The collection's vectors made by a model other than <paramref name="model"/> (vectors of unrecorded model count as its).</summary>
    public async Task<IReadOnlyList<CollectionVectorModel>> OtherModelsAsync(string collection, string model, CancellationToken cancellationToken)
    {
        var canonical = EmbeddingModelId.Canonical(model);
        return [.. (await GetModelsAsync(collection, cancellationToken).ConfigureAwait(false)).Where(m => m.Model is not null && m.Model != canonical)];
    }

    /// <exception cref="ReembedRequiredException">The collection holds vectors of another model than <paramref name="model"/>.</exception>
    public async Task EnsureSameModelAsync(string collection, string model, CancellationToken cancellationToken)
    {
        if (await ReembedReasonAsync(collection, model, cancellationToken).ConfigureAwait(false) is { } reason)
            throw new ReembedRequiredException(collection, reason);
    }

    /// <summary>
    /// <see cref="Describe"/>'s text when the collection holds vectors of another model than <paramref name="model"/> (it needs a
    /// re-embed before dense or hybrid may search it), else null.
    /// </summary>
    public async Task<string?> ReembedReasonAsync(string collection, string model, CancellationToken cancellationToken)
    {
        var others = await OtherModelsAsync(collection, model, cancellationToken).ConfigureAwait(false);
        return others.Count > 0 ? Describe(collection, model, others) : null;
    }

    /// <summary>What a user reads when a collection must be re-embedded: which models, how many chunks, and how to re-embed.</summary>
    public static string Describe(string collection, string model, IReadOnlyList<CollectionVectorModel> others) =>
        $"Collection '{collection}' was embedded with {string.Join(" and ", others.Select(o => $"{o.Model} ({o.Chunks:N0} chunks)"))}, " +
        $"but the configured embedding model is {EmbeddingModelId.Canonical(model)}: vectors of two models cannot be compared, so dense and hybrid " +
        $"retrieval are off for it until it is re-embedded. Re-embed it with {ReembedEndpoint(collection)} (or `{ReembedCommand(collection)}`), " +
        "or configure the model it was embedded with; bm25 works meanwhile.";
}
