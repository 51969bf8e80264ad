using RagLab.Core.Ingestion.Chunking;

namespace RagLab.Core.Tests.Ingestion;

public sealed class TokenCounterTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("  \n\t ", 0)]
    [InlineData("Hello, world!", 4)] // Hello , world !
    [InlineData("internationalization", 5)] // 20 letters: ceil(20 / 4)
    [InlineData("a...b", 4)] // a ... b: a punctuation run of 3 is 2 tokens
    [InlineData("日本語テキスト", 7)] // one per ideograph or kana
    public void Counts_words_punctuation_and_ideographs(string text, int expected)
    {
        Assert.Equal(expected, TokenCounter.Count(text));
    }

    [Fact]
    public void Counts_add_up_across_whitespace()
    {
        const string left = "The quick brown fox, obviously—";
        const string right = "jumps over 13 lazy dogs (again).";

        Assert.Equal(TokenCounter.Count(left) + TokenCounter.Count(right), TokenCounter.Count(left + " \n " + right));
    }

    [Fact]
    public void English_prose_is_about_one_to_one_and_a_half_tokens_per_word()
    {
        const string prose = "Retrieval augmented generation grounds a language model in documents it was never trained on, " +
                             "so answers can cite their sources and stay current without retraining the model itself.";
        var words = prose.Split(' ').Length;

        Assert.InRange(TokenCounter.Count(prose), words, words * 3 / 2);
    }
}
