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
    public static DocumentParserRegistry CreateDefault() =>
        new([new PlainTextParser(), new MarkdownParser(), new HtmlParser(), new DocxParser(), new PdfParser()]);

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

    private static string ExtensionOf(string fileName) => Path.GetExtension(fileName.Trim()).ToLowerInvariant();
}
