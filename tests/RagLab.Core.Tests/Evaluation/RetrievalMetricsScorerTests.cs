using RagLab.Core.Evaluation.Runs;

namespace RagLab.Core.Tests.Evaluation;

public sealed class RetrievalMetricsScorerTests
{
    private static readonly RetrievalMetricsScorer Scorer = new();

    [Fact]
    public void Binary_relevance_with_labels_matched_ignoring_case()
    {
        // Relevant: a (found at rank 1, spelled differently) and c (never retrieved).
        var score = Scorer.Score(["a.md", "x.md", "b.md"], new HashSet<string> { "A.md", "c.md" }, 3);

        var idealDcg = 1 + 1 / Math.Log2(3);
        Assert.Equal(3, score.K);
        Assert.Equal(1 / idealDcg, score.Ndcg, 10);
        Assert.Equal(0.5, score.Recall, 10);
        Assert.Equal(1.0 / 3, score.Precision, 10);
        Assert.Equal(1.0, score.ReciprocalRank);
        Assert.Equal(1.0, score.HitRate);
    }

    [Fact]
    public void The_cutoff_hides_relevant_documents_ranked_below_it()
    {
        IReadOnlySet<string> relevant = new HashSet<string> { "c.md" };
        var atOne = Scorer.Score(["x.md", "c.md"], relevant, 1);
        Assert.Equal((0.0, 0.0, 0.0, 0.0), (atOne.Ndcg, atOne.Recall, atOne.ReciprocalRank, atOne.HitRate));

        var atTen = Scorer.Score(["x.md", "c.md"], relevant, 10);
        Assert.Equal(1 / Math.Log2(3), atTen.Ndcg, 10);
        Assert.Equal(1.0, atTen.Recall);
        Assert.Equal(0.1, atTen.Precision, 10);
        Assert.Equal(0.5, atTen.ReciprocalRank);
    }
}
