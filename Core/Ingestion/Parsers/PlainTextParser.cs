namespace RagLab.Core.Ingestion.Parsers;

/// <summary>
/// Reads .txt files. The text is the file itself (only the BOM is removed), so chunk spans are spans of the source;
/// paragraphs separated by blank lines are the blocks.
/// </summary>
public sealed class PlainTextParser : IDocumentParser
{
    public IReadOnlyCollection<string> Extensions { get; } = [".txt"];

    public async Task<ParsedDocument> ParseAsync(Stream content, CancellationToken cancellationToken)
    {
        var bytes = await SourceTextDecoder.ReadAllAsync(content, cancellationToken);
        var (text, warning) = SourceTextDecoder.Decode(bytes);
        return new ParsedDocument(text, FindParagraphs(text), warning is null ? [] : [warning]);
    }

    /// <summary>Spans of non-blank text separated by at least one blank (whitespace-only) line.</summary>
    internal static IReadOnlyList<TextBlock> FindParagraphs(string text)
    {
        var blocks = new List<TextBlock>();
        int? paragraphStart = null;
        var paragraphEnd = 0;
        var lineStart = 0;
        while (lineStart <= text.Length)
        {
            var newline = text.IndexOf('\n', lineStart);
            var lineEnd = newline < 0 ? text.Length : newline;
            var line = text.AsSpan(lineStart, lineEnd - lineStart);
            if (line.IsWhiteSpace())
            {
                if (paragraphStart is { } start)
                    blocks.Add(new TextBlock(start, paragraphEnd, []));
                paragraphStart = null;
            }
            else
            {
                paragraphStart ??= lineStart + (line.Length - line.TrimStart().Length);
                paragraphEnd = lineStart + line.TrimEnd().Length;
            }
            if (newline < 0)
                break;
            lineStart = newline + 1;
        }
        if (paragraphStart is { } last)
            blocks.Add(new TextBlock(last, paragraphEnd, []));
        return blocks;
    }
}
