using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using RagLab.Core.Ingestion;
using RagLab.Core.Ingestion.Parsers;

namespace RagLab.Core.Tests.Ingestion;

public sealed class DocxParserTests
{
    /// <summary>A .docx built with the Open XML SDK: styles by id and by name, a table, a tab and a line break.</summary>
    internal static byte[] BuildSampleDocx()
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = new Styles(
                ParagraphStyle("Title", "Title"),
                ParagraphStyle("Heading1", "heading 1"),
                // Localised Word versions use other ids; the name still says what the style is.
                ParagraphStyle("Berschrift2", "heading 2"),
                ParagraphStyle("Quote", "Quote"));
            main.Document = new Document(new Body(
                Paragraph("Employee Handbook", "Title"),
                Paragraph("Welcome", "Heading1"),
                Paragraph("Welcome to the company.", null),
                Paragraph("Leave", "Berschrift2"),
                new Paragraph(new Run(new Text("Days:"), new TabChar(), new Text("25"), new Break(), new Text("per year")))
                {
                    ParagraphProperties = new ParagraphProperties(new ParagraphStyleId { Val = "Quote" }),
                },
                new Table(
                    new TableRow(Cell("Type"), Cell("Days")),
                    new TableRow(Cell("Sick"), Cell("10")),
                    new TableRow(Cell(""), Cell(""))),
                Paragraph("   ", null),
                Paragraph("Benefits", "Heading1"),
                Paragraph("Health insurance.", null)));
        }
        return stream.ToArray();
    }

    [Fact]
    public async Task Paragraphs_headings_and_table_rows_in_body_order()
    {
        var parsed = await IngestionAssert.ParseAsync(new DocxParser(), BuildSampleDocx());

        var blocks = parsed.Blocks.Select(b => (IngestionAssert.BlockText(parsed, b), string.Join(" > ", b.HeadingPath), b.IsHeading)).ToArray();
        Assert.Equal(
        [
            ("Employee Handbook", "Employee Handbook", true),
            ("Welcome", "Employee Handbook > Welcome", true),
            ("Welcome to the company.", "Employee Handbook > Welcome", false),
            ("Leave", "Employee Handbook > Welcome > Leave", true),
            ("Days:\t25\nper year", "Employee Handbook > Welcome > Leave", false),
            ("Type | Days", "Employee Handbook > Welcome > Leave", false),
            ("Sick | 10", "Employee Handbook > Welcome > Leave", false),
            ("Benefits", "Employee Handbook > Benefits", true),
            ("Health insurance.", "Employee Handbook > Benefits", false),
        ], blocks);
    }

    [Fact]
    public async Task Heading_style_ids_work_without_a_styles_part()
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            document.AddMainDocumentPart().Document = new Document(new Body(
                Paragraph("Top", "Heading1"), Paragraph("Inner", "Heading3"), Paragraph("text", null)));
        }

        var parsed = await IngestionAssert.ParseAsync(new DocxParser(), stream.ToArray());

        Assert.Equal(["Top", "Inner"], parsed.Blocks[^1].HeadingPath);
    }

    [Fact]
    public async Task A_file_that_is_not_a_docx_is_rejected_with_a_clear_message()
    {
        var error = await Assert.ThrowsAsync<DocumentParseException>(() =>
            IngestionAssert.ParseAsync(new DocxParser(), "This is plain text, not a zip package."u8.ToArray()));

        Assert.StartsWith("The file is not a valid .docx file: ", error.Message);
    }

    private static Style ParagraphStyle(string id, string name) =>
        new(new StyleName { Val = name }) { Type = StyleValues.Paragraph, StyleId = id };

    private static Paragraph Paragraph(string text, string? styleId)
    {
        var paragraph = new Paragraph(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        if (styleId is not null)
            paragraph.ParagraphProperties = new ParagraphProperties(new ParagraphStyleId { Val = styleId });
        return paragraph;
    }

    private static TableCell Cell(string text) => new(new Paragraph(new Run(new Text(text))));
}
