using RagLab.Core.Ingestion.Parsers;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Ingestion;

public sealed class DocumentParserRegistryTests
{
    [Theory]
    [InlineData("notes.txt", typeof(PlainTextParser))]
    [InlineData("README.MD", typeof(MarkdownParser))]
    [InlineData("guide.markdown", typeof(MarkdownParser))]
    [InlineData("page.Html", typeof(HtmlParser))]
    [InlineData("old.htm", typeof(HtmlParser))]
    [InlineData("contract.v2.DOCX", typeof(DocxParser))]
    [InlineData("scan.pdf", typeof(PdfParser))]
    public void Chooses_the_parser_by_case_insensitive_extension(string fileName, Type expected)
    {
        var registry = DocumentParserRegistry.CreateDefault();

        Assert.IsType(expected, registry.GetParser(fileName));
        Assert.True(registry.IsSupported(fileName));
    }

    [Fact]
    public void Lists_every_supported_extension()
    {
        Assert.Equal(
            [".docx", ".htm", ".html", ".markdown", ".md", ".pdf", ".txt"],
            DocumentParserRegistry.CreateDefault().SupportedExtensions);
    }

    [Theory]
    [InlineData("slides.pptx", "'slides.pptx' has an unsupported file type ('.pptx').")]
    [InlineData("Makefile", "'Makefile' has no file extension.")]
    public void Unsupported_files_get_a_message_naming_the_file_and_the_accepted_types(string fileName, string expectedStart)
    {
        var registry = DocumentParserRegistry.CreateDefault();

        var error = Assert.Throws<UnsupportedFileTypeException>(() => registry.GetParser(fileName));

        Assert.False(registry.IsSupported(fileName));
        Assert.Equal($"{expectedStart} Supported file types: .docx, .htm, .html, .markdown, .md, .pdf, .txt.", error.Message);
    }

    [Fact]
    public void Two_parsers_for_one_extension_are_a_configuration_error()
    {
        Assert.Throws<ArgumentException>(() => new DocumentParserRegistry([new PlainTextParser(), new PlainTextParser()]));
    }
}
