using RagLab.Core.Ingestion.Parsers;

namespace RagLab.Core.Tests.Ingestion;

public sealed class MarkdownParserTests
{
    private const string Source = """
        ---
        title: Front matter
        tags: [a, b]
        ---
        # Guide

        Intro paragraph with *emphasis*.

        ## Install **now** `fast`

        Step one.

        - item a
        - item b

        ### Deep

        Deep text.

        ## Configure

        Config text.

        Setext Top
        ==========

        Body under setext.

        Setext Sub
        ----------

        Sub body.
        """;

    [Fact]
    public async Task Headings_build_paths_and_blocks_are_source_spans()
    {
        var parsed = await IngestionAssert.ParseAsync(new MarkdownParser(), Source);

        Assert.Equal(Source, parsed.Text);
        var blocks = parsed.Blocks.Select(b => (IngestionAssert.BlockText(parsed, b), string.Join(" > ", b.HeadingPath), b.IsHeading)).ToArray();
        Assert.Equal(
        [
            ("# Guide", "Guide", true),
            ("Intro paragraph with *emphasis*.", "Guide", false),
            ("## Install **now** `fast`", "Guide > Install now fast", true),
            ("Step one.", "Guide > Install now fast", false),
            ("- item a\n- item b", "Guide > Install now fast", false),
            ("### Deep", "Guide > Install now fast > Deep", true),
            ("Deep text.", "Guide > Install now fast > Deep", false),
            ("## Configure", "Guide > Configure", true),
            ("Config text.", "Guide > Configure", false),
            ("Setext Top\n==========", "Setext Top", true),
            ("Body under setext.", "Setext Top", false),
            ("Setext Sub\n----------", "Setext Top > Setext Sub", true),
            ("Sub body.", "Setext Top > Setext Sub", false),
        ], blocks);
    }

    [Fact]
    public async Task Front_matter_is_not_a_block()
    {
        var parsed = await IngestionAssert.ParseAsync(new MarkdownParser(), Source);

        Assert.DoesNotContain(parsed.Blocks, b => IngestionAssert.BlockText(parsed, b).Contains("Front matter"));
        Assert.Equal(Source.IndexOf("# Guide", StringComparison.Ordinal), parsed.Blocks[0].Start);
    }

    [Fact]
    public async Task Crlf_sources_keep_exact_spans()
    {
        var crlf = Source.ReplaceLineEndings("\r\n");

        var parsed = await IngestionAssert.ParseAsync(new MarkdownParser(), crlf);

        Assert.Equal(crlf, parsed.Text);
        Assert.Equal("- item a\r\n- item b", IngestionAssert.BlockText(parsed, parsed.Blocks[4]));
        Assert.Equal(["Setext Top", "Setext Sub"], parsed.Blocks[^2].HeadingPath);
    }

    [Fact]
    public async Task Code_blocks_and_tables_are_single_blocks()
    {
        const string source = "# Code\n\n```csharp\nvar x = 1;\n\nvar y = 2;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";

        var parsed = await IngestionAssert.ParseAsync(new MarkdownParser(), source);

        Assert.Equal(
            ["# Code", "```csharp\nvar x = 1;\n\nvar y = 2;\n```", "| a | b |\n|---|---|\n| 1 | 2 |"],
            IngestionAssert.BlockTexts(parsed));
    }
}
