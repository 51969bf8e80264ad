using RagLab.Core.Kernel;
using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.DocumentLayoutAnalysis;
using UglyToad.PdfPig.DocumentLayoutAnalysis.PageSegmenter;
using UglyToad.PdfPig.DocumentLayoutAnalysis.ReadingOrderDetector;
using UglyToad.PdfPig.DocumentLayoutAnalysis.WordExtractor;
using UglyToad.PdfPig.Exceptions;

namespace RagLab.Core.Ingestion.Parsers;

/// <summary>
/// Reads PDFs with PdfPig. Each page's words are grouped into blocks (Docstrum), put in reading order, and cut into
/// paragraphs; each paragraph becomes one <see cref="Ingestion.TextBlock"/> with its page number. Paragraphs set in a larger
/// font than the body text are headings, ranked by size (largest = level 1). Scanned (image-only) PDFs yield no text and a
/// warning to run OCR; encrypted PDFs are refused with a message saying so.
/// </summary>
/// <remarks>
/// Compressed streams are inflated under the <see cref="DecompressionLimits"/> (see <see cref="BoundedPdfFilters"/>), so a
/// small PDF with a huge Flate stream fails with the limit named, in constant memory.
/// </remarks>
public sealed class PdfParser(DecompressionLimits? limits = null) : IDocumentParser
{
    private readonly DecompressionLimits _limits = limits ?? DecompressionLimits.Default;

    public const string NoTextWarning =
        "The PDF has no extractable text (it may be scanned images); run OCR on it and upload the result.";

    /// <summary>A paragraph is a heading when its letters are at least this much larger than the body text.</summary>
    private const double HeadingSizeRatio = 1.15;

    /// <summary>Headings are short; a big-font paragraph longer than this is body text set large (a pull quote, a cover).</summary>
    private const int MaxHeadingWords = 20;

    /// <summary>Normal leading is about 1.2 times the font size; a baseline gap of more than this means a paragraph break.</summary>
    private const double ParagraphGapRatio = 1.5;

    public IReadOnlyCollection<string> Extensions { get; } = [".pdf"];

    public async Task<ParsedDocument> ParseAsync(Stream content, CancellationToken cancellationToken)
    {
        var bytes = await SourceTextDecoder.ReadAllAsync(content, cancellationToken);
        var filters = new BoundedPdfFilters(_limits.StartDocument());
        var paragraphs = new List<Paragraph>();
        try
        {
            using var document = Open(bytes, filters);
            if (document.NumberOfPages == 0)
                throw new DocumentParseException("The PDF has no pages that could be read; the file may be damaged.");
            for (var number = 1; number <= document.NumberOfPages; number++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                paragraphs.AddRange(ReadPage(GetPage(document, number)));
                if (filters.Exceeded is { } exceeded) throw exceeded;
            }
        }
        catch (DocumentParseException) when (filters.Exceeded is { } exceeded)
        {
            // PdfPig turned the limit into a parse error of its own: name the limit instead.
            throw exceeded;
        }
        if (paragraphs.Count == 0)
            return ParsedDocument.Empty(NoTextWarning);

        var bodySize = paragraphs.GroupBy(p => p.FontSize).MaxBy(g => g.Sum(p => p.Words))!.Key;
        var headingSizes = paragraphs.Where(p => IsHeading(p, bodySize)).Select(p => p.FontSize).Distinct().OrderDescending().ToList();
        var output = new BlockTextBuilder();
        var headings = new HeadingTrail();
        foreach (var paragraph in paragraphs)
        {
            if (IsHeading(paragraph, bodySize))
            {
                var path = headings.Enter(headingSizes.IndexOf(paragraph.FontSize) + 1, OneLine(paragraph.Text));
                output.Add(paragraph.Text, path, isHeading: true, paragraph.Page);
            }
            else
            {
                output.Add(paragraph.Text, headings.Current, isHeading: false, paragraph.Page);
            }
        }
        return output.Build([]);
    }

    private static PdfDocument Open(byte[] bytes, BoundedPdfFilters filters)
    {
        try
        {
            return PdfDocument.Open(bytes, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true, FilterProvider = filters });
        }
        catch (PdfDocumentEncryptedException ex)
        {
            throw new DocumentParseException(
                "The PDF is password-protected (encrypted), so its text cannot be read. Remove the password and upload it again.", ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not DecompressionLimitException)
        {
            // PdfPig reports malformed files with several exception types (format, null reference, index out of range…).
            throw new DocumentParseException($"The file is not a valid PDF, or it is damaged: {ex.Message}", ex);
        }
    }

    private static Page GetPage(PdfDocument document, int number)
    {
        try
        {
            return document.GetPage(number);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not DecompressionLimitException)
        {
            throw new DocumentParseException($"Page {number} of the PDF could not be read; the file may be damaged ({ex.Message}).", ex);
        }
    }

    /// <summary>
    /// The page's paragraphs in reading order. Docstrum finds the blocks (columns, separated regions); a block is cut further
    /// where the font size changes or a line gap is wider than normal leading, because Docstrum measures leading from the page
    /// itself and so joins the few, far-apart lines of a sparse page.
    /// </summary>
    private static IEnumerable<Paragraph> ReadPage(Page page)
    {
        // The nearest-neighbour extractor copes with odd spacing but returns space glyphs as words; drop those.
        var words = page.GetWords(NearestNeighbourWordExtractor.Instance).Where(w => !string.IsNullOrWhiteSpace(w.Text)).ToList();
        if (words.Count == 0)
            yield break;
        var blocks = DocstrumBoundingBoxes.Instance.GetBlocks(words);
        foreach (var block in UnsupervisedReadingOrderDetector.Instance.Get(blocks).OrderBy(b => b.ReadingOrder))
        {
            var lines = new List<Line>();
            foreach (var line in block.TextLines.Select(Line.From))
            {
                if (lines.Count > 0 && StartsNewParagraph(lines[^1], line))
                {
                    yield return Paragraph.From(page.Number, lines);
                    lines = [];
                }
                lines.Add(line);
            }
            if (lines.Count > 0)
                yield return Paragraph.From(page.Number, lines);
        }
    }

    private static bool StartsNewParagraph(Line previous, Line line) =>
        previous.FontSize != line.FontSize ||
        Math.Abs(previous.Baseline - line.Baseline) > ParagraphGapRatio * Math.Max(previous.FontSize, line.FontSize);

    private static bool IsHeading(Paragraph paragraph, double bodySize) =>
        paragraph.FontSize >= bodySize * HeadingSizeRatio && paragraph.Words <= MaxHeadingWords;

    /// <summary>Font sizes to half a point, so glyphs of one style compare equal.</summary>
    private static double RoundSize(double size) => Math.Round(size * 2, MidpointRounding.AwayFromZero) / 2;

    private static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Typographic ligature glyphs (ﬁ, ﬂ, ﬀ…) become their letters, so "ﬁne" is found by "fine".</summary>
    private static string ExpandLigatures(string text)
    {
        if (!text.Any(IsLigature))
            return text;
        var builder = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (IsLigature(c))
                builder.Append(c.ToString().Normalize(NormalizationForm.FormKC));
            else
                builder.Append(c);
        }
        return builder.ToString();
    }

    private static bool IsLigature(char c) => c is >= '\uFB00' and <= '\uFB06';

    /// <summary>One line of text: its words, baseline height and the size most of its letters use.</summary>
    private sealed record Line(string Text, int Words, double Baseline, double FontSize)
    {
        public static Line From(TextLine line)
        {
            var letters = line.Words.SelectMany(w => w.Letters).ToList();
            var size = letters.GroupBy(l => RoundSize(l.PointSize)).MaxBy(g => g.Count())!.Key;
            var text = string.Join(' ', line.Words.Select(w => ExpandLigatures(w.Text)));
            return new Line(text, line.Words.Count, letters[0].StartBaseLine.Y, size);
        }
    }

    /// <summary>Lines of one size, close together, on one page.</summary>
    private sealed record Paragraph(int Page, string Text, double FontSize, int Words)
    {
        public static Paragraph From(int page, List<Line> lines) =>
            new(page, string.Join('\n', lines.Select(l => l.Text)), lines[0].FontSize, lines.Sum(l => l.Words));
    }
}
