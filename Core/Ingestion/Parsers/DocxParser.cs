using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion.Parsers;

/// <summary>
/// Reads Word .docx files with the Open XML SDK: body paragraphs in order, headings recognised by paragraph style
/// (Heading1..Heading9 by id or "heading N" by name, and Title as the root) or outline level; table rows become blocks
/// with cells joined by " | ".
/// </summary>
/// <remarks>
/// A .docx is a zip. Before the SDK reads it, every entry is inflated once as a stream that keeps nothing and counts its
/// bytes against the <see cref="DecompressionLimits"/> (per entry and per document), so a bomb stops at the limit with
/// constant memory; the SDK then reads at most what was counted, its XML readers capped at the per-entry limit too.
/// </remarks>
public sealed partial class DocxParser(DecompressionLimits? limits = null) : IDocumentParser
{
    private const int TitleLevel = 0;
    private readonly DecompressionLimits _limits = limits ?? DecompressionLimits.Default;

    public IReadOnlyCollection<string> Extensions { get; } = [".docx"];

    public async Task<ParsedDocument> ParseAsync(Stream content, CancellationToken cancellationToken)
    {
        // The package reader needs a seekable stream; uploads may not be.
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        CheckInflatedSize(buffer, cancellationToken);
        buffer.Position = 0;

        WordprocessingDocument document;
        try
        {
            document = WordprocessingDocument.Open(buffer, isEditable: false,
                new OpenSettings { MaxCharactersInPart = _limits.MaxBytesPerEntry });
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new DocumentParseException($"The file is not a valid .docx file: {ex.Message}", ex);
        }

        using (document)
        {
            var body = document.MainDocumentPart?.Document?.Body
                ?? throw new DocumentParseException("The file is not a valid .docx file: it has no document body.");
            var styleLevels = ReadStyleHeadingLevels(document.MainDocumentPart.StyleDefinitionsPart);
            var output = new BlockTextBuilder();
            var headings = new HeadingTrail();
            foreach (var element in BodyBlocks(body))
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (element)
                {
                    case Paragraph paragraph:
                        var text = ParagraphText(paragraph).Trim();
                        if (text.Length == 0)
                            break;
                        if (HeadingLevel(paragraph, styleLevels) is { } level)
                            output.Add(text, headings.Enter(level, CollapseWhitespace(text)), isHeading: true);
                        else
                            output.Add(text, headings.Current);
                        break;
                    case Table table:
                        foreach (var row in table.Elements<TableRow>())
                        {
                            var cells = row.Elements<TableCell>()
                                .Select(cell => CollapseWhitespace(string.Join(' ', cell.Descendants<Paragraph>().Select(ParagraphText))))
                                .ToList();
                            if (cells.Any(c => c.Length > 0))
                                output.Add(string.Join(" | ", cells), headings.Current);
                        }
                        break;
                }
            }
            return output.Build([]);
        }
    }

    /// <summary>Inflates every zip entry once, keeping nothing, and stops at the first byte over a limit.</summary>
    private void CheckInflatedSize(Stream package, CancellationToken cancellationToken)
    {
        var budget = _limits.StartDocument();
        try
        {
            using var zip = new ZipArchive(package, ZipArchiveMode.Read, leaveOpen: true);
            foreach (var entry in zip.Entries)
            {
                using var inflating = new InflationCountingStream(entry.Open(), budget, entry.FullName);
                inflating.Drain(cancellationToken);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new DocumentParseException($"The file is not a valid .docx file: {ex.Message}", ex);
        }
    }

    /// <summary>Paragraphs and tables in body order, looking inside content controls and custom XML wrappers.</summary>
    private static IEnumerable<OpenXmlElement> BodyBlocks(OpenXmlElement container)
    {
        foreach (var child in container.ChildElements)
        {
            if (child is Paragraph or Table)
                yield return child;
            else if (child is SdtBlock or SdtContentBlock or CustomXmlBlock)
                foreach (var nested in BodyBlocks(child))
                    yield return nested;
        }
    }

    private static string ParagraphText(Paragraph paragraph)
    {
        var builder = new StringBuilder();
        foreach (var element in paragraph.Descendants())
        {
            switch (element)
            {
                case Text text: builder.Append(text.Text); break;
                case TabChar: builder.Append('\t'); break;
                case Break or CarriageReturn: builder.Append('\n'); break;
                case NoBreakHyphen: builder.Append('-'); break;
            }
        }
        return builder.ToString();
    }

    private static int? HeadingLevel(Paragraph paragraph, IReadOnlyDictionary<string, int> styleLevels)
    {
        var properties = paragraph.ParagraphProperties;
        var styleId = properties?.ParagraphStyleId?.Val?.Value;
        if (styleId is not null)
        {
            if (styleLevels.TryGetValue(styleId, out var level))
                return level;
            if (LevelFromName(styleId) is { } fromId)
                return fromId;
        }
        // Direct outline level (0-based; 9 means body text).
        return properties?.OutlineLevel?.Val?.Value is { } outline and < 9 ? outline + 1 : null;
    }

    /// <summary>Heading level for each style id whose id or display name marks it as a heading or the title.</summary>
    private static Dictionary<string, int> ReadStyleHeadingLevels(StyleDefinitionsPart? stylesPart)
    {
        var levels = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var style in stylesPart?.Styles?.Elements<Style>() ?? [])
        {
            var id = style.StyleId?.Value;
            if (id is null)
                continue;
            var level = LevelFromName(style.StyleName?.Val?.Value ?? "") ?? LevelFromName(id);
            if (level is null && style.StyleParagraphProperties?.OutlineLevel?.Val?.Value is { } outline and < 9)
                level = outline + 1;
            if (level is { } found)
                levels[id] = found;
        }
        return levels;
    }

    private static int? LevelFromName(string name)
    {
        if (name.Equals("Title", StringComparison.OrdinalIgnoreCase))
            return TitleLevel;
        var match = HeadingName().Match(name);
        return match.Success ? match.Groups[1].Value[0] - '0' : null;
    }

    private static string CollapseWhitespace(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"^heading\s?([1-9])$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HeadingName();
}
