using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval;

/// <summary>The registered retrievers by name; the default follows what is connected.</summary>
public sealed class RetrieverCatalog(IEnumerable<IRetriever> retrievers, IModelProvider models) : IRetrieverCatalog
{
    private readonly Dictionary<string, IRetriever> _byName = retrievers.ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<string> Names => [.. _byName.Keys];

    public async Task<IRetriever> ResolveAsync(string? name, CancellationToken cancellationToken)
    {
        var status = await models.GetStatusAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(name))
            return _byName[status.EmbeddingsAvailable && _byName.ContainsKey(RetrieverNames.Hybrid) ? RetrieverNames.Hybrid : RetrieverNames.Bm25];

        if (!_byName.TryGetValue(name.Trim(), out var retriever))
            throw new ValidationException($"Unknown retriever '{name}'. Use one of: {string.Join(", ", _byName.Keys)}.");
        if (retriever.RequiresEmbeddings && !status.EmbeddingsAvailable)
            throw new DependencyUnavailableException(
                $"The '{retriever.Name}' retriever needs an embedding model, and none is connected" +
                (status.Error is null ? "." : $" ({status.Error}).") +
                " Start Ollama and run `ollama pull all-minilm` (or set RagLab:Ollama:EmbeddingModel), or use the 'bm25' retriever.");
        return retriever;
    }
}
