using RagLab.Core.Kernel;
namespace RagLab.Core.Retrieval;

/// <summary>Picks a retriever by name, knowing what is connected.</summary>
public interface IRetrieverCatalog
{
    IReadOnlyList<string> Names { get; }

    /// <summary>
    /// The named retriever, or for null the default: <c>hybrid</c> when an embedding model is connected, else <c>bm25</c>.
    /// </summary>
    /// <exception cref="ValidationException">An unknown name.</exception>
    /// <exception cref="DependencyUnavailableException">Dense or hybrid asked for with no embedding model connected.</exception>
    Task<IRetriever> ResolveAsync(string? name, CancellationToken cancellationToken);
}
