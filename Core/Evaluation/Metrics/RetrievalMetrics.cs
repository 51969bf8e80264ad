namespace RagLab.Core.Evaluation.Metrics;

/// <summary>
/// Ranking quality at a cut-off k, for one query (<see cref="ForQuery"/>) or averaged over queries (<see cref="Mean"/>).
/// Definitions follow trec_eval: a chunk is relevant when its grade is above 0; nDCG uses the grade as gain and
/// log2(rank + 1) as discount, with the ideal DCG over the best min(|relevant|, k) grades.
/// <list type="bullet">
/// <item>A query with no relevant chunk scores 0 on every metric (nothing can be found, so nothing is credited);
/// callers that follow BEIR evaluate only queries that have judgements.</item>
/// <item>Precision divides by k even when fewer than k results were returned.</item>
/// <item>A chunk id repeated in a ranking keeps its place but earns nothing after its first occurrence.</item>
/// <item>Ties in the ranking are taken in the order given: the ranking is the caller's.</item>
/// </list>
/// </summary>
/// <param name="K">The cut-off.</param>
/// <param name="Ndcg">Normalized discounted cumulative gain at k, 0 to 1.</param>
/// <param name="Recall">Share of the relevant chunks found in the top k.</param>
/// <param name="Precision">Share of the top k that is relevant.</param>
/// <param name="ReciprocalRank">1 / rank of the first relevant chunk in the top k, else 0 (its mean is MRR@k).</param>
/// <param name="HitRate">1 when a relevant chunk is in the top k, else 0.</param>
public sealed record RetrievalMetrics(int K, double Ndcg, double Recall, double Precision, double ReciprocalRank, double HitRate)
{
    /// <summary>The metrics of one ranking (best first) against the graded judgements of its query.</summary>
    public static RetrievalMetrics ForQuery(IReadOnlyList<string> ranking, IReadOnlyDictionary<string, int> relevance, int k)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        ArgumentNullException.ThrowIfNull(relevance);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);

        var relevantCount = relevance.Values.Count(grade => grade > 0);
        if (relevantCount == 0) return new RetrievalMetrics(k, 0, 0, 0, 0, 0);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        double dcg = 0, reciprocalRank = 0;
        var found = 0;
        var depth = Math.Min(k, ranking.Count);
        for (var i = 0; i < depth; i++)
        {
            if (!seen.Add(ranking[i])) continue;
            if (!relevance.TryGetValue(ranking[i], out var grade) || grade <= 0) continue;
            var rank = i + 1;
            found++;
            dcg += grade / Math.Log2(rank + 1);
            if (reciprocalRank == 0) reciprocalRank = 1.0 / rank;
        }

        var idealGrades = relevance.Values.Where(grade => grade > 0).OrderByDescending(grade => grade).Take(k).ToArray();
        double idealDcg = 0;
        for (var i = 0; i < idealGrades.Length; i++) idealDcg += idealGrades[i] / Math.Log2(i + 2);

        return new RetrievalMetrics(
            k,
            Ndcg: dcg / idealDcg,
            Recall: (double)found / relevantCount,
            Precision: (double)found / k,
            ReciprocalRank: reciprocalRank,
            HitRate: found > 0 ? 1 : 0);
    }

    /// <summary>The arithmetic mean over queries (all at the same k); 0 for none.</summary>
    public static RetrievalMetrics Mean(IReadOnlyCollection<RetrievalMetrics> perQuery)
    {
        ArgumentNullException.ThrowIfNull(perQuery);
        if (perQuery.Count == 0) return new RetrievalMetrics(0, 0, 0, 0, 0, 0);
        var k = perQuery.First().K;
        if (perQuery.Any(m => m.K != k))
            throw new ArgumentException("All metrics must be at the same cut-off k to be averaged.", nameof(perQuery));
        return new RetrievalMetrics(
            k,
            perQuery.Average(m => m.Ndcg),
            perQuery.Average(m => m.Recall),
            perQuery.Average(m => m.Precision),
            perQuery.Average(m => m.ReciprocalRank),
            perQuery.Average(m => m.HitRate));
    }
}
