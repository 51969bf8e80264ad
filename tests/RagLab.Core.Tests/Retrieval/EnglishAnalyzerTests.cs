using RagLab.Core.Retrieval.Analysis;

namespace RagLab.Core.Tests.Retrieval;

public class EnglishAnalyzerTests
{
    private static IReadOnlyList<string> Analyze(string text) => new EnglishAnalyzer().Analyze(text);

    [Fact]
    public void Lower_cases_removes_stop_words_and_stems()
    {
        Assert.Equal(["quick", "brown", "fox", "jump", "over", "lazi", "dog"], Analyze("The quick brown foxes are jumping over the lazy dogs."));
    }

    [Fact]
    public void Splits_hyphenated_words_and_keeps_numbers_as_terms()
    {
        Assert.Equal(["covid", "19", "vaccin", "trial"], Analyze("COVID-19 vaccine trials"));
        Assert.Equal(["state", "art"], Analyze("state-of-the-art"));
    }

    [Fact]
    public void Keeps_decimal_numbers_thousands_and_acronyms_together()
    {
        Assert.Equal(["3.14", "1,000", "u.s.a"], Analyze("3.14 and 1,000 in the U.S.A."));
    }

    [Fact]
    public void Removes_english_possessives_with_straight_and_curly_apostrophes()
    {
        Assert.Equal(["john", "car", "mari", "book"], Analyze("John's car, Mary\u2019s book"));
    }

    [Fact]
    public void Keeps_contractions_and_splits_on_trailing_apostrophes()
    {
        Assert.Equal(["don't", "patient", "outcom"], Analyze("don't patients' outcomes"));
    }

    [Fact]
    public void Drops_all_of_lucenes_default_stop_words()
    {
        Assert.Equal(33, EnglishAnalyzer.StopWordCount);
        Assert.Empty(Analyze("a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with"));
    }

    [Fact]
    public void Handles_unicode_letters_and_cjk_ideographs()
    {
        Assert.Equal(["café", "привет", "東", "京"], Analyze("Café, Привет! 東京"));
    }

    [Fact]
    public void Punctuation_and_whitespace_alone_give_no_terms()
    {
        Assert.Empty(Analyze(" -- ... ___ !? \n\t"));
        Assert.Empty(Analyze(""));
    }

    // Porter (1980)'s examples, through the whole chain (Lucene's PorterStemFilter).
    [Theory]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("agreed", "agre")]
    [InlineData("motoring", "motor")]
    [InlineData("hopping", "hop")]
    [InlineData("generalizations", "gener")]
    [InlineData("oscillators", "oscil")]
    [InlineData("archaeology", "archaeolog")]
    public void Stems_words_as_porter_does(string word, string stem)
    {
        Assert.Equal([stem], Analyze(word));
    }

    [Fact]
    public void Inflections_of_a_word_meet_at_one_term()
    {
        var terms = new[] { "connect", "connected", "connecting", "connection", "connections", "Connects" }.Select(w => Assert.Single(Analyze(w)));
        Assert.Single(terms.Distinct());
    }
}
