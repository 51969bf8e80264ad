using RagLab.Core.Evaluation.Metrics;

namespace RagLab.Core.Evaluation.Runs;

/// <summary>
/// The production <see cref="IRetrievalScorer"/>: trec_eval-style metrics from <see cref="RetrievalMetrics"/> with binary
/// relevance (every labelled document has grade 1). The runner passes documents in the order of their best-ranked chunk.
/// Keys compare case-insensitively, as <see cref="RelevanceLabels"/> does, so "Guide.md" in a set matches "guide.md".
/// </summary>
public sealed class RetrievalMetricsScorer : IRetrievalScorer
{
    public RetrievalAtK Score(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, int k)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        ArgumentNullException.ThrowIfNull(relevant);
        var grades = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in relevant) grades[key] = 1;
        var metrics = RetrievalMetrics.ForQuery(ranked, grades, k);
        return new RetrievalAtK(metrics.K, metrics.Ndcg, metrics.Recall, metrics.Precision, metrics.ReciprocalRank, metrics.HitRate);
    }
}
