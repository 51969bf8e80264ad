using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval;

/// <summary>The registered retrievers by name; the default follows what is connected and what the collection's vectors allow.</summary>
/// <param name="vectorModels">Tells whether a collection's vectors come from another embedding model; without it the default never falls back.</param>
public sealed class RetrieverCatalog(IEnumerable<IRetriever> retrievers, IModelProvider models, VectorModelGuard? vectorModels = null) : IRetrieverCatalog
{
    private readonly Dictionary<string, IRetriever> _byName = retrievers.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<string> Names => [.. _byName.Keys];

    public async Task<ResolvedRetriever> ResolveAsync(string? name, string collection, CancellationToken cancellationToken)
    {
        var status = await models.GetStatusAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(name))
            return await ResolveDefaultAsync(status, collection, cancellationToken);

        if (!_byName.TryGetValue(name.Trim(), out var retriever))
            throw new ValidationException($"Unknown retriever '{name}'. Use one of: {string.Join(", ", _byName.Keys)}.");
        if (retriever.RequiresEmbeddings && !status.EmbeddingsAvailable)
            throw new DependencyUnavailableException(
                $"The '{retriever.Name}' retriever needs an embedding model, and none is connected" +
                (status.Error is null ? "." : $" ({status.Error}).") +
                " Start Ollama and run `ollama pull all-minilm` (or set RagLab:Ollama:EmbeddingModel), or use the 'bm25' retriever.");
        return new ResolvedRetriever(retriever);
    }

    /// <summary>
    /// Hybrid when embeddings are connected, unless the collection's vectors are another model's: the caller named no retriever, so
    /// keyword retrieval answers and the warning says why, instead of refusing for something the caller never asked for.
    /// </summary>
    private async Task<ResolvedRetriever> ResolveDefaultAsync(ModelStatus status, string collection, CancellationToken cancellationToken)
    {
        var bm25 = _byName[RetrieverNames.Bm25];
        if (!status.EmbeddingsAvailable || !_byName.TryGetValue(RetrieverNames.Hybrid, out var hybrid)) return new ResolvedRetriever(bm25);
        if (vectorModels is not null && await models.GetEmbeddingGeneratorAsync(cancellationToken) is { } generator
            && await vectorModels.ReembedReasonAsync(collection, EmbeddingModelId.Of(generator), cancellationToken) is { } reason)
            return new ResolvedRetriever(bm25, $"Retrieved with bm25 instead of the default {hybrid.Name}: {reason}");
        return new ResolvedRetriever(hybrid);
    }
}
