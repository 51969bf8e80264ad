using System.Text;

namespace RagLab.Web.Components.Shared;

/// <summary>
/// Finds a citation's quote in its chunk's text. The Api normalises the quote's whitespace and may cut it with "…", so the
/// match ignores differences in whitespace and stops at the cut.
/// </summary>
public static class QuoteLocator
{
    /// <returns>The quote's start and length in <paramref name="text"/>, or null when it is not there.</returns>
    public static (int Start, int Length)? Find(string text, string? quote)
    {
        if (string.IsNullOrWhiteSpace(quote)) return null;
        var wanted = Collapse(quote.Trim().TrimEnd('…').TrimEnd());
        if (wanted.Length == 0) return null;

        // Map the collapsed text back to offsets in the original.
        var collapsed = new StringBuilder(text.Length);
        var offsets = new List<int>(text.Length);
        var inSpace = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                if (inSpace || collapsed.Length == 0) continue;
                inSpace = true;
                collapsed.Append(' ');
                offsets.Add(i);
                continue;
            }
            inSpace = false;
            collapsed.Append(text[i]);
            offsets.Add(i);
        }
        var at = collapsed.ToString().IndexOf(wanted, StringComparison.Ordinal);
        if (at < 0) at = collapsed.ToString().IndexOf(wanted, StringComparison.OrdinalIgnoreCase);
        if (at < 0) return null;
        var start = offsets[at];
        var end = offsets[at + wanted.Length - 1] + 1;
        return (start, end - start);
    }

    private static string Collapse(string value) =>
        string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
