using System.Text;
using RagLab.Core.Ingestion;
using RagLab.Core.Ingestion.Parsers;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Ingestion;

/// <summary>Files a user gets wrong: the parse step says why there is nothing to index, rather than handing on no text or garbage.</summary>
public sealed class UnindexableUploadTests
{
    private readonly DocumentParserRegistry _parsers = DocumentParserRegistry.CreateDefault();

    private async Task<ParsedDocument> ParseAsync(string name, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return await _parsers.ParseAsync(name, stream, CancellationToken.None);
    }

    [Theory]
    [InlineData("notes.txt")]
    [InlineData("faq.md")]
    [InlineData("page.html")]
    [InlineData("report.docx")]
    [InlineData("scan.pdf")]
    public async Task An_empty_file_is_refused_as_empty(string name)
    {
        var error = await Assert.ThrowsAsync<NoTextToIndexException>(() => ParseAsync(name, []));

        Assert.Equal($"The file '{name}' is empty (0 bytes), so there is nothing to index.", error.Message);
    }

    [Theory]
    [InlineData("blank.txt", " \n\t\r\n  \n")]
    [InlineData("blank.md", "\n\n   \n")]
    [InlineData("app.html", "<html><head><title></title><script>start()</script><style>p{}</style></head><body> <script>more()</script> </body></html>")]
    public async Task A_file_without_visible_text_is_refused_saying_no_text_was_found(string name, string content)
    {
        var error = await Assert.ThrowsAsync<NoTextToIndexException>(() => ParseAsync(name, Encoding.UTF8.GetBytes(content)));

        Assert.StartsWith($"No text found in '{name}', so there is nothing to index", error.Message);
    }

    [Fact]
    public async Task A_scanned_pdf_is_refused_with_the_advice_to_run_ocr()
    {
        var pdf = new MinimalPdf();
        var catalog = pdf.Reserve();
        var pages = pdf.Reserve();
        var contents = pdf.AddStream(MinimalPdf.Latin1("q 612 0 0 792 0 0 cm 0 0 1 1 re f Q"));
        var page = pdf.Add($"<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 612 792] /Contents {contents} 0 R >>");
        pdf.Set(catalog, $"<< /Type /Catalog /Pages {pages} 0 R >>");
        pdf.Set(pages, $"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>");

        var error = await Assert.ThrowsAsync<NoTextToIndexException>(() => ParseAsync("scan.pdf", pdf.Build(catalog)));

        Assert.Contains("run OCR", error.Message);
    }

    public static TheoryData<string, byte[]> BinaryFiles => new()
    {
        // A PNG's first bytes: signature, then the IHDR chunk with NUL-padded lengths.
        { "photo.txt", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x01, 0x00] },
        { "archive.md", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, .. "word/document.xml"u8] },
        // No NUL at all, but control characters all through (random bytes, read as Windows-1252).
        { "blob.txt", RandomBytesWithoutNul() },
        { "page.html", [.. "<p>hi</p>"u8, 0x00, 0x01, 0x02] },
    };

    [Theory]
    [MemberData(nameof(BinaryFiles))]
    public async Task A_binary_file_named_as_text_is_refused_as_binary(string name, byte[] bytes)
    {
        var error = await Assert.ThrowsAsync<DocumentParseException>(() => ParseAsync(name, bytes));

        Assert.StartsWith("The file looks binary, not text", error.Message);
    }

    [Fact]
    public async Task Text_with_tabs_form_feeds_and_utf16_nul_bytes_is_still_text()
    {
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("Grüße aus Köln.")).ToArray();
        var withControls = Encoding.UTF8.GetBytes("Name\tValue\r\nRefunds\t30 days\f\nNext page.\u001A");

        Assert.Equal("Grüße aus Köln.", (await ParseAsync("greeting.txt", utf16)).Text);
        Assert.Equal("Name\tValue\r\nRefunds\t30 days\f\nNext page.\u001A", (await ParseAsync("table.txt", withControls)).Text);
    }

    [Theory]
    [InlineData("refund policy", "refund policy.txt")]
    [InlineData("notes.v2", "notes.v2.txt")]
    [InlineData("faq.md", "faq.md")]
    [InlineData("page.HTML", "page.HTML")]
    [InlineData("  folder/plain  ", "plain.txt")]
    public void Text_sent_as_text_is_named_as_plain_text_unless_its_extension_picks_a_parser(string name, string expected)
    {
        Assert.Equal(expected, _parsers.NameForText(name));
    }

    [Fact]
    public void Text_sent_without_a_name_still_needs_one()
    {
        Assert.Throws<ValidationException>(() => _parsers.NameForText("  "));
    }

    private static byte[] RandomBytesWithoutNul()
    {
        var bytes = new byte[2048];
        new Random(11).NextBytes(bytes);
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = bytes[i] == 0 ? (byte)1 : bytes[i];
        return bytes;
    }
}
