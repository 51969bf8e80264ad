namespace RagLab.Core.Ingestion.Parsers;

/// <summary>
/// The stack of headings above the current position. A heading of level N replaces every open heading of level N or deeper,
/// so "## B" under "# A" gives [A, B] and a new "#" starts again from the top.
/// </summary>
internal sealed class HeadingTrail
{
    private readonly List<(int Level, string Text)> _open = [];

    /// <summary>The path for body text at the current position, outermost first.</summary>
    public IReadOnlyList<string> Current { get; private set; } = [];

    /// <summary>Opens a heading and returns the new path, which includes the heading itself.</summary>
    public IReadOnlyList<string> Enter(int level, string text)
    {
        while (_open.Count > 0 && _open[^1].Level >= level)
            _open.RemoveAt(_open.Count - 1);
        _open.Add((level, text));
        Current = _open.Select(h => h.Text).ToArray();
        return Current;
    }
}
