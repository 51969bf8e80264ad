using System.Text;
using RagLab.Core.Ingestion.Parsers;

namespace RagLab.Core.Tests.Ingestion;

public sealed class PlainTextParserTests
{
    private const string Source = "First paragraph\nstill first.\n\n  \n   Second paragraph.\r\n\r\nThird.\n";

    [Fact]
    public async Task Text_is_the_source_and_paragraphs_are_blocks()
    {
        var parsed = await IngestionAssert.ParseAsync(new PlainTextParser(), Source);

        Assert.Equal(Source, parsed.Text);
        Assert.Equal(["First paragraph\nstill first.", "Second paragraph.", "Third."], IngestionAssert.BlockTexts(parsed));
        Assert.All(parsed.Blocks, b => Assert.Empty(b.HeadingPath));
        Assert.Empty(parsed.Warnings);
    }

    [Fact]
    public async Task Utf8_bom_is_removed_and_nothing_else_changes()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("Café ☕\n\nZwei")).ToArray();

        var parsed = await IngestionAssert.ParseAsync(new PlainTextParser(), bytes);

        Assert.Equal("Café ☕\n\nZwei", parsed.Text);
        Assert.Equal(["Café ☕", "Zwei"], IngestionAssert.BlockTexts(parsed));
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    public async Task Utf16_with_bom_is_decoded(string encodingName)
    {
        var encoding = Encoding.GetEncoding(encodingName);
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes("Grüße\n\naus Köln")).ToArray();

        var parsed = await IngestionAssert.ParseAsync(new PlainTextParser(), bytes);

        Assert.Equal("Grüße\n\naus Köln", parsed.Text);
        Assert.Equal(2, parsed.Blocks.Count);
    }

    [Fact]
    public async Task Invalid_utf8_is_read_as_windows_1252_with_a_warning()
    {
        byte[] bytes = [(byte)'C', (byte)'a', (byte)'f', 0xE9, (byte)' ', 0x80];

        var parsed = await IngestionAssert.ParseAsync(new PlainTextParser(), bytes);

        Assert.Equal("Café €", parsed.Text);
        Assert.Contains("UTF-8", Assert.Single(parsed.Warnings));
    }
}
