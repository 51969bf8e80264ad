using RagLab.Core.Kernel;
namespace RagLab.Core.Retrieval;

/// <summary>Finds the chunks most likely to answer a query. Implementations: <see cref="Bm25Retriever"/>, <see cref="DenseRetriever"/>, <see cref="HybridRetriever"/>.</summary>
public interface IRetriever
{
    /// <summary>The name users pick it by: <c>bm25</c>, <c>dense</c> or <c>hybrid</c>.</summary>
    string Name { get; }

    /// <summary>Whether it needs an embedding model to run.</summary>
    bool RequiresEmbeddings { get; }

    Task<IReadOnlyList<RetrievalHit>> RetrieveAsync(RetrievalQuery query, CancellationToken cancellationToken);
}

/// <summary>Well-known retriever names.</summary>
public static class RetrieverNames
{
    public const string Bm25 = "bm25";
    public const string Dense = "dense";
    public const string Hybrid = "hybrid";
    public static readonly IReadOnlyList<string> All = [Bm25, Dense, Hybrid];
}
