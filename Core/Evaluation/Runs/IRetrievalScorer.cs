namespace RagLab.Core.Evaluation.Runs;

/// <summary>
/// Ranking metrics for one query with binary relevance. The runner depends on this rather than on the metrics
/// implementation directly; the application adapts <c>Metrics.RetrievalMetrics</c> to it.
/// </summary>
public interface IRetrievalScorer
{
    /// <param name="ranked">Document keys, best first, without repeats.</param>
    /// <param name="relevant">The keys that are relevant (non-empty).</param>
    RetrievalAtK Score(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, int k);
}
