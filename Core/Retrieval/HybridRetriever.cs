using RagLab.Core.Kernel;
namespace RagLab.Core.Retrieval;

/// <summary>
/// BM25 and dense retrieval fused with reciprocal rank fusion (k = 60). Each side returns a wider candidate
/// list (at least <see cref="MinimumCandidates"/>) so that a chunk ranked moderately by both can win.
/// Needs an embedding model.
/// </summary>
public sealed class HybridRetriever(Bm25Retriever bm25, DenseRetriever dense) : IRetriever
{
    /// <summary>How many candidates each side returns at least, before fusion.</summary>
    public const int MinimumCandidates = 50;

    private readonly Bm25Retriever _bm25 = bm25 ?? throw new ArgumentNullException(nameof(bm25));
    private readonly DenseRetriever _dense = dense ?? throw new ArgumentNullException(nameof(dense));

    public string Name => RetrieverNames.Hybrid;

    public bool RequiresEmbeddings => true;

    public Task<IReadOnlyList<RetrievalHit>> RetrieveAsync(RetrievalQuery query, CancellationToken cancellationToken) =>
        InstrumentedRetrieval.RunAsync(Name, query, SearchAsync, cancellationToken);

    private async Task<IReadOnlyList<RetrievalHit>> SearchAsync(RetrievalQuery query, CancellationToken cancellationToken)
    {
        var candidates = query with { TopK = Math.Max(query.TopK, MinimumCandidates) };
        // Dense first: it fails fast with a clear message when no embedding model is connected.
        var denseTask = _dense.SearchAsync(candidates, cancellationToken);
        var lexical = await _bm25.SearchAsync(candidates, cancellationToken).ConfigureAwait(false);
        var semantic = await denseTask.ConfigureAwait(false);
        return ReciprocalRankFusion.Fuse([lexical, semantic], query.TopK);
    }
}
