using RagLab.Core.Kernel;
namespace RagLab.Core.Retrieval;

/// <summary>Keyword retrieval: the query's terms scored with BM25 by an <see cref="ILexicalIndex"/>. Needs no model.</summary>
public sealed class Bm25Retriever(ILexicalIndex index) : IRetriever
{
    private readonly ILexicalIndex _index = index ?? throw new ArgumentNullException(nameof(index));

    public string Name => RetrieverNames.Bm25;

    public bool RequiresEmbeddings => false;

    public Task<IReadOnlyList<RetrievalHit>> RetrieveAsync(RetrievalQuery query, CancellationToken cancellationToken) =>
        InstrumentedRetrieval.RunAsync(Name, query, async (q, ct) => InstrumentedRetrieval.ToHits(await SearchAsync(q, ct).ConfigureAwait(false)), cancellationToken);

    /// <summary>The index's ranking without a span of its own (used by <see cref="HybridRetriever"/>).</summary>
    internal Task<IReadOnlyList<ScoredChunk>> SearchAsync(RetrievalQuery query, CancellationToken cancellationToken) =>
        _index.SearchAsync(query.Collection, query.Text, query.TopK, query.Scope, cancellationToken);
}
