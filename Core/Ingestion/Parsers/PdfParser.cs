using RagLab.Core.Ingestion.Parsers.Pdf;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion.Parsers;

/// <summary>
/// A best-effort PDF text extractor (no PDF library here can extract text). Reads the page tree in order and interprets
/// each page's text operators; FlateDecode, ASCIIHex and ASCII85 streams, object streams, WinAnsi/Standard/MacRoman
/// encodings and ToUnicode CMaps are supported. Each page's paragraphs become blocks. Scanned (image-only) PDFs yield no
/// text and a warning to run OCR; encrypted PDFs are refused.
/// </summary>
public sealed class PdfParser : IDocumentParser
{
    public const string NoTextWarning =
        "The PDF has no extractable text (it may be scanned images); run OCR on it and upload the result.";

    public IReadOnlyCollection<string> Extensions { get; } = [".pdf"];

    public async Task<ParsedDocument> ParseAsync(Stream content, CancellationToken cancellationToken)
    {
        var bytes = await SourceTextDecoder.ReadAllAsync(content, cancellationToken);
        var file = PdfFile.Load(bytes);
        if (file.IsEncrypted)
            throw new DocumentParseException(
                "The PDF is password-protected (encrypted), so its text cannot be read. Remove the password and upload it again.");
        var pages = file.Pages();
        if (pages.Count == 0)
            throw new DocumentParseException("The PDF has no pages that could be read; the file may be damaged.");

        var output = new BlockTextBuilder();
        foreach (var (page, resources) in pages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var paragraph in new PdfPageTextExtractor(file).Extract(page, resources))
                output.Add(paragraph, []);
        }
        return output.BlockCount == 0 ? ParsedDocument.Empty(NoTextWarning) : output.Build([]);
    }
}
