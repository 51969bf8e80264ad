using System.Globalization;
using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval.Analysis;

/// <summary>
/// Splits text into words the way Lucene's StandardTokenizer does for the common cases of Unicode word
/// segmentation (UAX #29): runs of letters and digits; an apostrophe or '.' between letters stays inside
/// a word ("don't", "U.S.A"); '.', ',' and ';' between digits stay inside a number ("3.14", "1,000");
/// hyphens and other punctuation split ("covid-19" gives "covid" and "19"); each CJK ideograph or
/// Hiragana character is a word of its own. Tokens longer than <see cref="MaxTokenLength"/> are split.
/// </summary>
/// <remarks>A ref struct over the text so tokenizing allocates nothing.</remarks>
public ref struct StandardTokenizer(ReadOnlySpan<char> text)
{
    /// <summary>Lucene's default maximum token length.</summary>
    public const int MaxTokenLength = 255;

    private readonly ReadOnlySpan<char> _text = text;
    private int _position;

    /// <summary>Moves to the next token; <paramref name="token"/> is a slice of the input text.</summary>
    public bool TryNext(out ReadOnlySpan<char> token)
    {
        var text = _text;
        var i = _position;
        while (i < text.Length)
        {
            var kind = Classify(text[i]);
            if (kind is CharKind.Ideograph)
            {
                token = text.Slice(i, 1);
                _position = i + 1;
                return true;
            }
            if (kind is CharKind.Letter or CharKind.Digit or CharKind.Connector)
                break;
            i++;
        }
        if (i >= text.Length)
        {
            _position = text.Length;
            token = default;
            return false;
        }

        var start = i;
        var hasAlphanumeric = false;
        var last = CharKind.Other; // last letter/digit seen, for the mid-word punctuation rules
        while (i < text.Length && i - start < MaxTokenLength)
        {
            var kind = Classify(text[i]);
            if (kind is CharKind.Letter or CharKind.Digit)
            {
                hasAlphanumeric = true;
                last = kind;
                i++;
            }
            else if (kind is CharKind.Connector or CharKind.Extend)
            {
                i++;
            }
            else if (kind is CharKind.MidLetter or CharKind.MidNum or CharKind.MidNumLet
                     && i + 1 < text.Length && i + 1 - start < MaxTokenLength
                     && JoinsAcross(kind, last, Classify(text[i + 1])))
            {
                i += 2;
                last = Classify(text[i - 1]);
            }
            else
            {
                break;
            }
        }
        _position = i;
        if (!hasAlphanumeric)
            return TryNext(out token);
        token = text[start..i];
        return true;
    }

    // UAX #29 rules WB6/WB7 (letters across MidLetter/MidNumLet) and WB11/WB12 (digits across MidNum/MidNumLet).
    private static bool JoinsAcross(CharKind middle, CharKind before, CharKind after) => middle switch
    {
        CharKind.MidLetter => before == CharKind.Letter && after == CharKind.Letter,
        CharKind.MidNum => before == CharKind.Digit && after == CharKind.Digit,
        CharKind.MidNumLet => before == after && before is CharKind.Letter or CharKind.Digit,
        _ => false,
    };

    private enum CharKind : byte { Other, Letter, Digit, Ideograph, Connector, Extend, MidLetter, MidNum, MidNumLet }

    private static CharKind Classify(char c)
    {
        if (c < 128)
        {
            if ((uint)((c | 0x20) - 'a') <= 'z' - 'a') return CharKind.Letter;
            if ((uint)(c - '0') <= 9) return CharKind.Digit;
            return c switch
            {
                '_' => CharKind.Connector,
                ':' => CharKind.MidLetter,
                ',' or ';' => CharKind.MidNum,
                '.' or '\'' => CharKind.MidNumLet,
                _ => CharKind.Other,
            };
        }
        switch (c)
        {
            case '\u00B7' or '\u0387' or '\u05F4' or '\u2027' or '\uFE13' or '\uFE55' or '\uFF1A':
                return CharKind.MidLetter;
            case '\u037E' or '\u0589' or '\u060C' or '\u060D' or '\u066C' or '\u07F8' or '\u2044' or '\uFE10' or '\uFE14' or '\uFE50' or '\uFE54' or '\uFF0C' or '\uFF1B':
                return CharKind.MidNum;
            case '\u2018' or '\u2019' or '\u2024' or '\uFE52' or '\uFF07' or '\uFF0E':
                return CharKind.MidNumLet;
        }
        if (c is >= '\u3040' and <= '\u309F' or >= '\u3400' and <= '\u4DBF' or >= '\u4E00' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF')
            return CharKind.Ideograph;
        return CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharKind.Letter,
            UnicodeCategory.DecimalDigitNumber => CharKind.Digit,
            UnicodeCategory.ConnectorPunctuation => CharKind.Connector,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.Format => CharKind.Extend,
            // Surrogate pairs (rare letters, emoji) are kept together as word characters.
            UnicodeCategory.Surrogate => CharKind.Letter,
            _ => CharKind.Other,
        };
    }
}
