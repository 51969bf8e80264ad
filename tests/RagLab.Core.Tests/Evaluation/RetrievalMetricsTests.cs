using RagLab.Core.Evaluation.Metrics;

namespace RagLab.Core.Tests.Evaluation;

public class RetrievalMetricsTests
{
    private const int Precision = 10;

    [Fact]
    public void Graded_relevance_gives_trec_eval_ndcg_and_the_other_metrics()
    {
        var relevance = new Dictionary<string, int> { ["a"] = 2, ["b"] = 1, ["c"] = 0 };

        var metrics = RetrievalMetrics.ForQuery(["x", "a", "c", "b"], relevance, k: 3);

        // DCG@3: only "a" (grade 2) at rank 2 → 2/log2(3). Ideal: grades 2, 1 → 2/log2(2) + 1/log2(3).
        var dcg = 2 / Math.Log2(3);
        var ideal = 2 / 1.0 + 1 / Math.Log2(3);
        Assert.Equal(dcg / ideal, metrics.Ndcg, Precision);
        Assert.Equal(0.5, metrics.Recall, Precision);
        Assert.Equal(1.0 / 3, metrics.Precision, Precision);
        Assert.Equal(0.5, metrics.ReciprocalRank, Precision);
        Assert.Equal(1.0, metrics.HitRate);
        Assert.Equal(3, metrics.K);
    }

    [Fact]
    public void Fewer_relevant_chunks_than_k_can_still_score_a_perfect_ndcg()
    {
        var metrics = RetrievalMetrics.ForQuery(["a", "x", "y"], new Dictionary<string, int> { ["a"] = 1 }, k: 10);

        Assert.Equal(1.0, metrics.Ndcg, Precision);
        Assert.Equal(1.0, metrics.Recall, Precision);
        Assert.Equal(0.1, metrics.Precision, Precision); // divided by k, not by the 3 returned
        Assert.Equal(1.0, metrics.ReciprocalRank, Precision);
    }

    [Fact]
    public void No_relevant_chunks_scores_zero_on_every_metric()
    {
        var none = RetrievalMetrics.ForQuery(["a", "b"], new Dictionary<string, int>(), k: 5);
        var onlyZeroGrades = RetrievalMetrics.ForQuery(["a", "b"], new Dictionary<string, int> { ["a"] = 0 }, k: 5);

        foreach (var metrics in new[] { none, onlyZeroGrades })
        {
            Assert.Equal(0, metrics.Ndcg);
            Assert.Equal(0, metrics.Recall);
            Assert.Equal(0, metrics.Precision);
            Assert.Equal(0, metrics.ReciprocalRank);
            Assert.Equal(0, metrics.HitRate);
        }
    }

    [Fact]
    public void A_repeated_chunk_keeps_its_place_but_earns_nothing()
    {
        var metrics = RetrievalMetrics.ForQuery(["a", "a", "b"], new Dictionary<string, int> { ["a"] = 1, ["b"] = 1 }, k: 2);

        // Top 2 is "a", then the repeat: DCG = 1; ideal over two grade-1 chunks = 1 + 1/log2(3).
        Assert.Equal(1 / (1 + 1 / Math.Log2(3)), metrics.Ndcg, Precision);
        Assert.Equal(0.5, metrics.Recall, Precision);
        Assert.Equal(0.5, metrics.Precision, Precision);
    }

    [Fact]
    public void Tied_grades_in_the_ideal_ranking_are_cut_at_k()
    {
        var relevance = new Dictionary<string, int> { ["a"] = 1, ["b"] = 1, ["c"] = 1 };

        var metrics = RetrievalMetrics.ForQuery(["x", "a"], relevance, k: 2);

        // Ideal DCG@2 takes min(3, 2) = 2 grade-1 chunks: 1 + 1/log2(3). DCG: "a" at rank 2 = 1/log2(3).
        Assert.Equal(1 / Math.Log2(3) / (1 + 1 / Math.Log2(3)), metrics.Ndcg, Precision);
        Assert.Equal(1.0 / 3, metrics.Recall, Precision);
        Assert.Equal(0.5, metrics.ReciprocalRank, Precision);
    }

    [Fact]
    public void An_empty_ranking_scores_zero_and_a_miss_beyond_k_does_not_count()
    {
        var relevance = new Dictionary<string, int> { ["a"] = 1 };

        var empty = RetrievalMetrics.ForQuery([], relevance, k: 3);
        var beyond = RetrievalMetrics.ForQuery(["x", "y", "z", "a"], relevance, k: 3);

        Assert.Equal(0, empty.Ndcg);
        Assert.Equal(0, beyond.Ndcg);
        Assert.Equal(0, beyond.HitRate);
        Assert.Equal(0, beyond.ReciprocalRank);
    }

    [Fact]
    public void Mean_averages_each_metric_over_queries()
    {
        var first = RetrievalMetrics.ForQuery(["a"], new Dictionary<string, int> { ["a"] = 1 }, k: 2);
        var second = RetrievalMetrics.ForQuery(["x", "b"], new Dictionary<string, int> { ["b"] = 1 }, k: 2);

        var mean = RetrievalMetrics.Mean([first, second]);

        Assert.Equal((1 + 1 / Math.Log2(3)) / 2, mean.Ndcg, Precision);
        Assert.Equal(1.0, mean.Recall, Precision);
        Assert.Equal((0.5 + 0.5) / 2, mean.Precision, Precision);
        Assert.Equal((1 + 0.5) / 2, mean.ReciprocalRank, Precision);
        Assert.Equal(1.0, mean.HitRate, Precision);
        Assert.Throws<ArgumentException>(() => RetrievalMetrics.Mean([first, RetrievalMetrics.ForQuery(["a"], new Dictionary<string, int> { ["a"] = 1 }, k: 5)]));
    }
}
