using System.Text;

namespace RagLab.Core.Ingestion.Parsers;

/// <summary>
/// Builds <see cref="ParsedDocument.Text"/> for formats whose text is extracted (HTML, DOCX, PDF):
/// blocks are appended with a blank line between them, and each block's span is recorded as it is written.
/// </summary>
internal sealed class BlockTextBuilder
{
    private readonly StringBuilder _text = new();
    private readonly List<TextBlock> _blocks = [];

    public int BlockCount => _blocks.Count;

    /// <summary>Appends one block; blank text is ignored. Leading and trailing whitespace is dropped.</summary>
    public void Add(string blockText, IReadOnlyList<string> headingPath, bool isHeading = false, int? page = null)
    {
        var trimmed = blockText.AsSpan().Trim();
        if (trimmed.IsEmpty)
            return;
        if (_text.Length > 0)
            _text.Append("\n\n");
        var start = _text.Length;
        _text.Append(trimmed);
        _blocks.Add(new TextBlock(start, _text.Length, headingPath, isHeading, page));
    }

    public ParsedDocument Build(IReadOnlyList<string> warnings) => new(_text.ToString(), _blocks.ToArray(), warnings);
}
