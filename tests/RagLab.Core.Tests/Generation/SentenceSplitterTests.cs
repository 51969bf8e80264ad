using RagLab.Core.Generation;

namespace RagLab.Core.Tests.Generation;

public class SentenceSplitterTests
{
    private static string[] Sentences(string text) =>
        SentenceSplitter.Split(text).Select(s => text[s.Start..s.End]).ToArray();

    [Fact]
    public void Splits_on_terminal_punctuation_followed_by_a_new_sentence()
    {
        Assert.Equal(
            ["It rains.", "Does it?", "Yes!", "Then stay inside."],
            Sentences("It rains. Does it? Yes! Then stay inside."));
    }

    [Fact]
    public void Spans_are_trimmed_offsets_into_the_original_text()
    {
        const string text = "  First one.   Second one.  ";
        var spans = SentenceSplitter.Split(text);
        Assert.Equal([(2, 12), (15, 26)], spans);
    }

    [Theory]
    [InlineData("Use a format, e.g. Markdown or HTML, for the notes.")]
    [InlineData("Use a format, i.e. one the parser reads, for the notes.")]
    [InlineData("The design was reviewed by Dr. Ruiz and Prof. Lee last week.")]
    [InlineData("The value rose to 3.5 GB after version 2.1.4 shipped.")]
    [InlineData("Written by J. K. Rowling in the U.S. and sold worldwide.")]
    [InlineData("See Fig. 3 and No. 12 for the wiring diagram.")]
    [InlineData("Visit example.com/docs for more; it is free.")]
    [InlineData("He paused... and then went on.")]
    public void Does_not_split_abbreviations_initials_numbers_or_lowercase_continuations(string text)
    {
        Assert.Equal([text], Sentences(text));
    }

    [Fact]
    public void Splits_after_an_abbreviation_like_token_when_a_real_sentence_follows()
    {
        Assert.Equal(["We support PDF, DOCX, etc.", "Other formats are ignored."],
            Sentences("We support PDF, DOCX, etc. Other formats are ignored."));
    }

    [Fact]
    public void A_blank_line_ends_a_sentence_even_without_punctuation()
    {
        Assert.Equal(["Overview of the tool", "It backs up files."],
            Sentences("Overview of the tool\n\nIt backs up files."));
    }

    [Fact]
    public void A_wrapped_line_inside_a_paragraph_does_not_end_the_sentence()
    {
        const string text = "Snapshots older than the retention period are removed by the nightly job that runs\nat two in the morning.";
        Assert.Equal([text], Sentences(text));
    }

    [Fact]
    public void List_items_and_headings_are_separate_sentences()
    {
        Assert.Equal(
            ["# Installation", "Steps:", "- Download the installer", "- Run it as administrator", "1. Reboot the machine"],
            Sentences("# Installation\nSteps:\n- Download the installer\n- Run it as administrator\n1. Reboot the machine"));
    }

    [Fact]
    public void A_short_heading_line_before_a_capitalised_line_is_its_own_sentence()
    {
        Assert.Equal(["Installation", "Download the installer."], Sentences("Installation\nDownload the installer."));
    }

    [Fact]
    public void Citation_markers_after_the_period_stay_with_their_sentence()
    {
        Assert.Equal(["It is blue. [1]", "It is big. [2][3]", "Done [1, 2]."],
            Sentences("It is blue. [1] It is big. [2][3] Done [1, 2]."));
    }

    [Fact]
    public void Closing_quotes_and_parentheses_stay_with_their_sentence()
    {
        Assert.Equal(["He said \"stop.\"", "(It worked.)", "Next."],
            Sentences("He said \"stop.\" (It worked.) Next."));
    }

    [Fact]
    public void Empty_and_whitespace_text_has_no_sentences()
    {
        Assert.Empty(SentenceSplitter.Split(""));
        Assert.Empty(SentenceSplitter.Split("   \n\n  "));
    }

    [Fact]
    public void Text_without_final_punctuation_is_one_sentence()
    {
        Assert.Equal(["No punctuation here"], Sentences("No punctuation here"));
    }
}
