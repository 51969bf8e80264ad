using RagLab.Core.Kernel;
namespace RagLab.Core.Retrieval;

/// <summary>Picks a retriever by name, knowing what is connected.</summary>
public interface IRetrieverCatalog
{
    IReadOnlyList<string> Names { get; }

    /// <summary>
    /// The named retriever, or for null the default: <c>hybrid</c> when an embedding model is connected, else <c>bm25</c>. A default
    /// that would be <c>hybrid</c> on a <paramref name="collection"/> whose vectors another embedding model made is <c>bm25</c> instead,
    /// with a warning naming both models and the re-embed; a named dense or hybrid retriever is returned as asked (and refuses such a
    /// collection with <see cref="ReembedRequiredException"/> when it retrieves).
    /// </summary>
    /// <param name="collection">The (normalized) collection the retriever will search.</param>
    /// <exception cref="ValidationException">An unknown name.</exception>
    /// <exception cref="DependencyUnavailableException">Dense or hybrid asked for with no embedding model connected.</exception>
    Task<ResolvedRetriever> ResolveAsync(string? name, string collection, CancellationToken cancellationToken);
}
