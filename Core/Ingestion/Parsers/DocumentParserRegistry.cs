using RagLab.Core.Kernel;
namespace RagLab.Core.Ingestion.Parsers;

/// <summary>Chooses the parser for a file by its (case-insensitive) extension.</summary>
public sealed class DocumentParserRegistry
{
    private readonly Dictionary<string, IDocumentParser> _byExtension = new(StringComparer.Ordinal);

    /// <exception cref="ArgumentException">Two parsers claim the same extension.</exception>
    public DocumentParserRegistry(IEnumerable<IDocumentParser> parsers)
    {
        foreach (var parser in parsers)
        {
            foreach (var extension in parser.Extensions)
            {
                var key = extension.ToLowerInvariant();
                if (!_byExtension.TryAdd(key, parser))
                    throw new ArgumentException(
                        $"Both {_byExtension[key].GetType().Name} and {parser.GetType().Name} claim '{key}'.", nameof(parsers));
            }
        }
        SupportedExtensions = _byExtension.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>A registry with every built-in parser: .txt, .md/.markdown, .html/.htm, .docx and .pdf.</summary>
    /// <param name="limits">What compressed formats (.docx, .pdf) may inflate to; null: the defaults for a 50 MB upload limit.</param>
    public static DocumentParserRegistry CreateDefault(DecompressionLimits? limits = null) =>
        new([new PlainTextParser(), new MarkdownParser(), new HtmlParser(), new DocxParser(limits), new PdfParser(limits)]);

    /// <summary>Lower-case extensions with the dot, sorted.</summary>
    public IReadOnlyCollection<string> SupportedExtensions { get; }

    public bool IsSupported(string fileName) => _byExtension.ContainsKey(ExtensionOf(fileName));

    /// <exception cref="UnsupportedFileTypeException">The file has no extension or one no parser reads.</exception>
    public IDocumentParser GetParser(string fileName)
    {
        var extension = ExtensionOf(fileName);
        if (_byExtension.TryGetValue(extension, out var parser))
            return parser;
        var what = extension.Length == 0 ? "has no file extension" : $"has an unsupported file type ('{extension}')";
        throw new UnsupportedFileTypeException(
            $"'{fileName}' {what}. Supported file types: {string.Join(", ", SupportedExtensions)}.");
    }

    /// <summary>
    /// Parses a file with the parser for its extension, and checks that the result has text to index: an ingest job
    /// fails with the reason rather than marking a document ready with nothing in it.
    /// </summary>
    /// <exception cref="UnsupportedFileTypeException">No parser reads the file's extension.</exception>
    /// <exception cref="NoTextToIndexException">The file is empty, or parsing found no text in it.</exception>
    /// <exception cref="DocumentParseException">The content is not a valid file of its format (or is binary, for text formats).</exception>
    public async Task<ParsedDocument> ParseAsync(string fileName, Stream content, CancellationToken cancellationToken)
    {
        var parser = GetParser(fileName);
        if (!content.CanSeek)
        {
            var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, cancellationToken);
            buffer.Position = 0;
            content = buffer;
        }
        if (content.Length - content.Position == 0)
            throw new NoTextToIndexException($"The file '{fileName}' is empty (0 bytes), so there is nothing to index.");

        var parsed = await parser.ParseAsync(content, cancellationToken);
        if (parsed.Blocks.Any(b => !parsed.Text.AsSpan(b.Start, b.End - b.Start).IsWhiteSpace()))
            return parsed;
        var reason = parsed.Warnings.Count > 0
            ? string.Join(" ", parsed.Warnings)
            : "it has no readable text (only whitespace, markup, scripts or styles).";
        throw new NoTextToIndexException($"No text found in '{fileName}', so there is nothing to index: {reason}");
    }

    /// <summary>
    /// The name to store text sent as text under: the name itself when its extension picks a parser ("faq.md"), else the
    /// name with ".txt" added ("refund policy" becomes "refund policy.txt"), since text sent as text is plain text.
    /// </summary>
    /// <exception cref="ValidationException">The name is empty, too long or made only of path characters.</exception>
    public string NameForText(string? name)
    {
        var normalized = DocumentName.Normalize(name);
        return IsSupported(normalized) ? normalized : normalized + ".txt";
    }

    private static string ExtensionOf(string fileName) => Path.GetExtension(fileName.Trim()).ToLowerInvariant();
}
