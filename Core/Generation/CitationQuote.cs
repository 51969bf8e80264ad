namespace RagLab.Core.Generation;

/// <summary>Turns a sentence of a chunk into a citation quote: whitespace collapsed, at most <see cref="MaxLength"/> characters.</summary>
internal static class CitationQuote
{
    public const int MaxLength = 300;

    public static string From(string sentence)
    {
        string text = string.Join(' ', sentence.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length <= MaxLength)
        {
            return text;
        }
        // Cut at a word boundary and mark the cut, staying within the limit.
        int room = MaxLength - 1;
        int cut = text.LastIndexOf(' ', room - 1, room);
        return text[..(cut > MaxLength / 2 ? cut : room)].TrimEnd() + "…";
    }
}
