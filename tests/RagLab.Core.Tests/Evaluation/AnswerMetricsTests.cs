using RagLab.Core.Evaluation.Metrics;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Evaluation;

public sealed class AnswerMetricsTests
{
    [Fact]
    public void Normalizer_lowercases_strips_punctuation_and_articles()
    {
        Assert.Equal("cat sat on mat", SquadNormalizer.Normalize("The  Cat, sat on a mat!"));
        Assert.Equal("", SquadNormalizer.Normalize("  The. "));
    }

    [Theory]
    [InlineData("The Eiffel Tower.", "eiffel tower", 1.0)]
    [InlineData("Eiffel Tower in Paris", "eiffel tower", 0.0)]
    [InlineData("", "eiffel tower", 0.0)]
    public void Exact_match_compares_normalised_text(string answer, string reference, double expected) =>
        Assert.Equal(expected, ExactMatch.Score(answer, [reference]));

    [Fact]
    public void Metrics_are_null_without_a_reference()
    {
        Assert.Null(ExactMatch.Score("x", []));
        Assert.Null(TokenF1.Score("x", []));
        Assert.Null(RougeL.Score("x", []));
    }

    [Fact]
    public void Token_f1_counts_multiset_overlap()
    {
        // answer tokens: red red blue (3); reference: red green (2); overlap 1 (red once) → P=1/3, R=1/2, F1=0.4.
        Assert.Equal(0.4, TokenF1.Score("red red blue", ["red green"])!.Value, 10);
        // Articles and punctuation do not count: "the 30 days." vs "30 days" → identical.
        Assert.Equal(1.0, TokenF1.Score("the 30 days.", ["30 days"]));
    }

    [Fact]
    public void Token_f1_takes_the_best_reference_and_handles_empty_answers()
    {
        Assert.Equal(1.0, TokenF1.Score("thirty days", ["30 days", "thirty days"]));
        Assert.Equal(0.0, TokenF1.Score("", ["30 days"]));
        Assert.Equal(1.0, TokenF1.Score("the", ["a"])); // both normalise to nothing
    }

    [Fact]
    public void Rouge_l_uses_longest_common_subsequence_with_beta()
    {
        // answer: police killed gunman (3), reference: police kill the gunman → police kill gunman (3); LCS = police, gunman = 2.
        // P = 2/3, R = 2/3 → F = 2/3 for any beta.
        Assert.Equal(2.0 / 3, RougeL.Score("police killed the gunman", ["police kill the gunman"])!.Value, 10);
        // answer a b (2), reference a b c d (4): LCS 2, P=1, R=0.5; β=1.2 → (1+1.44)·0.5/(0.5+1.44) = 1.22/1.94.
        Assert.Equal(1.22 / 1.94, RougeL.Score("a1 b1", ["a1 b1 c1 d1"])!.Value, 10);
        Assert.Equal(2 * 0.5 / 1.5, RougeL.Score("a1 b1", ["a1 b1 c1 d1"], beta: 1)!.Value, 10);
        Assert.Equal(0.0, RougeL.Score("x1", ["y1"]));
    }

    [Fact]
    public void Lexical_groundedness_is_share_of_supported_sentences_ignoring_citation_markers()
    {
        var context = new[] { "Refunds are accepted within 30 days of purchase with a receipt." };
        // Sentence 1: content words refunds, accepted, 30, days → all found. Sentence 2: shipping, free, worldwide → none found.
        var score = LexicalGroundedness.Score("Refunds are accepted within 30 days [1]. Shipping is free worldwide [2].", context);
        Assert.Equal(0.5, score);
    }

    [Fact]
    public void Lexical_groundedness_uses_the_threshold_and_is_null_without_content()
    {
        var context = new[] { "alpha beta" };
        // content words alpha, beta, gamma, delta: 2 of 4 found = 0.5 → grounded at 0.5, not at 0.6.
        Assert.Equal(1.0, LexicalGroundedness.Score("alpha beta gamma delta", context));
        Assert.Equal(0.0, LexicalGroundedness.Score("alpha beta gamma delta", context, threshold: 0.6));
        Assert.Null(LexicalGroundedness.Score("", context));
        Assert.Null(LexicalGroundedness.Score("It is. [1]", context));
    }

    [Fact]
    public void Citation_precision_counts_each_chunk_once_and_is_null_when_undefined()
    {
        var labels = new RelevanceLabels(["refunds.md"]);
        Citation Cite(string chunk, string doc, string name) => new(chunk, doc, name, "q");
        var citations = new[] { Cite("c1", "d1", "Refunds.md"), Cite("c1", "d1", "Refunds.md"), Cite("c2", "d2", "shipping.md") };
        Assert.Equal(0.5, CitationPrecision.Score(citations, labels));
        Assert.Null(CitationPrecision.Score([], labels));
        Assert.Null(CitationPrecision.Score(citations, new RelevanceLabels([])));
        Assert.Equal(1.0, CitationPrecision.Score([Cite("c3", "doc-id-7", "x.md")], new RelevanceLabels(["doc-id-7"])));
    }

    [Fact]
    public void Abstention_scores_apply_only_to_their_kind_of_question()
    {
        Assert.Equal(1.0, Abstention.CorrectAbstention(unanswerable: true, abstained: true));
        Assert.Equal(0.0, Abstention.CorrectAbstention(unanswerable: true, abstained: false));
        Assert.Null(Abstention.CorrectAbstention(unanswerable: false, abstained: true));
        Assert.Equal(1.0, Abstention.FalseAbstention(unanswerable: false, abstained: true));
        Assert.Null(Abstention.FalseAbstention(unanswerable: true, abstained: true));
    }
}
