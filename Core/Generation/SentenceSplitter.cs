namespace RagLab.Core.Generation;

/// <summary>
/// Splits text into sentences as character spans, without changing the text.
/// Rule-based and language-light (English-oriented): a sentence ends at <c>. ! ?</c> (or <c>。！？</c>) followed by
/// whitespace, at a blank line, or at a line break that starts a list item or follows a heading-like short line.
/// A period does not end a sentence before a lower-case word, after an abbreviation ("e.g.", "Dr.", "Fig. 3"),
/// after an initial ("J. Smith"), after a list number at the start of a line, or inside a number ("3.5").
/// Citation markers right after the punctuation ("… blue. [1]") belong to the sentence they follow.
/// </summary>
public static class SentenceSplitter
{
    // Titles and Latin abbreviations: a period after them never ends a sentence.
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "col", "lt", "capt", "rev", "hon",
        "vs", "cf", "al", "approx", "ca", "resp", "viz", "esp", "incl", "dept", "est",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    };

    // Abbreviations that introduce a number ("No. 5", "Fig. 3", "pp. 10"); before anything else they may end a sentence.
    private static readonly HashSet<string> NumberAbbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "no", "nos", "vol", "vols", "pp", "p", "fig", "figs", "eq", "eqs", "sec", "ch", "art", "op",
    };

    // A line this short that ends without punctuation, followed by a capitalised line, is taken as a heading or label.
    private const int ShortLineLength = 60;

    /// <summary>
    /// The sentences of <paramref name="text"/> as <c>[Start, End)</c> character spans, in order, trimmed of surrounding
    /// whitespace; empty sentences are skipped. <c>text[Start..End]</c> is the sentence verbatim.
    /// </summary>
    public static IReadOnlyList<(int Start, int End)> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spans = new List<(int Start, int End)>();
        int start = 0;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\n')
            {
                int next = SkipWhitespace(text, i, out int newlines);
                if (newlines > 1 || LineBreakEndsSentence(text, i, next))
                {
                    AddTrimmed(text, start, i, spans);
                    start = next;
                }
                i = next;
                continue;
            }

            if (!IsTerminal(c))
            {
                i++;
                continue;
            }

            int end = i + 1;
            bool strong = c is '!' or '?' or '。' or '！' or '？';
            while (end < text.Length && IsTerminal(text[end]))
            {
                strong |= text[end] is '!' or '?' or '！' or '？';
                end++;
            }
            while (end < text.Length && IsClosing(text[end]))
            {
                end++;
            }
            int afterMarkers = SkipCitationMarkers(text, end);
            bool hasMarkers = afterMarkers > end;
            end = afterMarkers;

            bool cjk = c is '。' or '！' or '？';
            if (end < text.Length && !char.IsWhiteSpace(text[end]) && !cjk)
            {
                // "3.5", "example.com", "e.g.," — punctuation inside a token.
                i = end;
                continue;
            }

            int nextStart = SkipWhitespace(text, end, out _);
            bool breaks = nextStart >= text.Length || strong || cjk || hasMarkers
                || PeriodEndsSentence(text, i, nextStart);
            if (breaks)
            {
                AddTrimmed(text, start, end, spans);
                start = nextStart;
                i = nextStart;
            }
            else
            {
                i = end;
            }
        }
        AddTrimmed(text, start, text.Length, spans);
        return spans;
    }

    private static bool PeriodEndsSentence(string text, int period, int nextStart)
    {
        char next = text[nextStart];
        if (char.IsLower(next))
        {
            return false;
        }

        // The token right before the period: letters, digits and inner periods ("e.g", "U.S", "Dr", "12").
        int tokenStart = period;
        while (tokenStart > 0 && (char.IsLetterOrDigit(text[tokenStart - 1]) || text[tokenStart - 1] == '.'))
        {
            tokenStart--;
        }
        string token = text[tokenStart..period];
        if (token.Length == 0)
        {
            return true;
        }
        if (token.Contains('.'))
        {
            return false;
        }
        if (token.Length == 1 && char.IsUpper(token[0]))
        {
            return false;
        }
        if (Abbreviations.Contains(token))
        {
            return false;
        }
        if (NumberAbbreviations.Contains(token) && char.IsDigit(next))
        {
            return false;
        }
        if (token.All(char.IsDigit) && IsLineStart(text, tokenStart))
        {
            return false;
        }
        return true;
    }

    private static bool LineBreakEndsSentence(string text, int newline, int nextStart)
    {
        if (nextStart >= text.Length)
        {
            return true;
        }
        if (StartsListItemOrHeading(text, nextStart))
        {
            return true;
        }

        int lineStart = newline;
        while (lineStart > 0 && text[lineStart - 1] != '\n')
        {
            lineStart--;
        }
        var line = text.AsSpan(lineStart, newline - lineStart).Trim();
        if (line.IsEmpty)
        {
            return false;
        }
        if (line[0] == '#' || line[^1] == ':')
        {
            return true;
        }

        char next = text[nextStart];
        bool nextStartsSentence = char.IsUpper(next) || char.IsDigit(next);
        bool lineContinues = line[^1] is ',' or ';' or '-' or '(' or '/' or '&';
        if (nextStartsSentence && !lineContinues && StartsListItemOrHeading(text, SkipWhitespace(text, lineStart, out _)))
        {
            return true;
        }
        return nextStartsSentence && !lineContinues && line.Length <= ShortLineLength;
    }

    private static bool StartsListItemOrHeading(string text, int at)
    {
        if (at >= text.Length)
        {
            return false;
        }
        char c = text[at];
        if (c is '#' or '|' or '>')
        {
            return true;
        }
        if (c is '-' or '*' or '+' or '•' or '–')
        {
            return at + 1 < text.Length && text[at + 1] == ' ';
        }
        if (char.IsDigit(c))
        {
            int j = at;
            while (j < text.Length && char.IsDigit(text[j]))
            {
                j++;
            }
            return j + 1 < text.Length && text[j] is '.' or ')' && text[j + 1] == ' ';
        }
        return false;
    }

    private static bool IsLineStart(string text, int at)
    {
        int j = at - 1;
        while (j >= 0 && text[j] is ' ' or '\t')
        {
            j--;
        }
        return j < 0 || text[j] == '\n';
    }

    /// <summary>Skips bracketed citation markers ("[1]", " [2][3]", " [1, 2]") and the spaces before each.</summary>
    private static int SkipCitationMarkers(string text, int at)
    {
        int position = at;
        while (true)
        {
            int j = position;
            while (j < text.Length && text[j] is ' ' or '\t')
            {
                j++;
            }
            if (j >= text.Length || text[j] != '[')
            {
                return position;
            }
            int k = j + 1;
            bool sawDigit = false;
            while (k < text.Length && (char.IsDigit(text[k]) || text[k] is ',' or ';' or '-' or '–' or ' '))
            {
                sawDigit |= char.IsDigit(text[k]);
                k++;
            }
            if (!sawDigit || k >= text.Length || text[k] != ']')
            {
                return position;
            }
            position = k + 1;
        }
    }

    private static int SkipWhitespace(string text, int at, out int newlines)
    {
        newlines = 0;
        int j = at;
        while (j < text.Length && char.IsWhiteSpace(text[j]))
        {
            if (text[j] == '\n')
            {
                newlines++;
            }
            j++;
        }
        return j;
    }

    private static void AddTrimmed(string text, int start, int end, List<(int Start, int End)> spans)
    {
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }
        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }
        if (end > start)
        {
            spans.Add((start, end));
        }
    }

    private static bool IsTerminal(char c) => c is '.' or '!' or '?' or '…' or '。' or '！' or '？';

    private static bool IsClosing(char c) => c is '"' or '\'' or ')' or ']' or '”' or '’' or '»' or '*' or '_';
}
