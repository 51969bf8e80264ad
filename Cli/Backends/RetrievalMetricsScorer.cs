using RagLab.Core.Evaluation.Metrics;
using RagLab.Core.Evaluation.Runs;

namespace RagLab.Cli.Backends;

/// <summary>Adapts <see cref="RetrievalMetrics"/> (graded, trec_eval definitions) to the runner's binary-relevance scorer.</summary>
public sealed class RetrievalMetricsScorer : IRetrievalScorer
{
    public RetrievalAtK Score(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, int k)
    {
        var grades = relevant.ToDictionary(key => key, _ => 1, StringComparer.OrdinalIgnoreCase);
        var metrics = RetrievalMetrics.ForQuery(ranked, grades, k);
        return new RetrievalAtK(k, metrics.Ndcg, metrics.Recall, metrics.Precision, metrics.ReciprocalRank, metrics.HitRate);
    }
}
