namespace RagLab.Core.Ingestion;

/// <summary>Turns the bytes of one file format into text with structure.</summary>
public interface IDocumentParser
{
    /// <summary>Lower-case file extensions this parser reads, with the dot (".md").</summary>
    IReadOnlyCollection<string> Extensions { get; }

    /// <exception cref="DocumentParseException">The content is not a valid file of this format.</exception>
    Task<ParsedDocument> ParseAsync(Stream content, CancellationToken cancellationToken);
}

/// <summary>The file could not be read as its format; the message says what is wrong, for the user.</summary>
public class DocumentParseException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The file was read, but it has no text to index (empty, whitespace only, only markup, a scan without text).</summary>
public sealed class NoTextToIndexException(string message) : DocumentParseException(message);
