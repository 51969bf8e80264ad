namespace RagLab.Core.Ingestion.Chunking;

/// <summary>
/// A cheap, deterministic approximation of how many tokens an LLM tokenizer (BPE) makes of a text, used for chunk budgets.
/// Rules: whitespace is free; a run of letters/digits is one token up to 8 characters, else ceil(length / 4);
/// a run of punctuation/symbols is ceil(length / 2) tokens; each CJK ideograph, kana or Hangul syllable is one token.
/// Counts add up across whitespace: Count(a + " " + b) == Count(a) + Count(b). English prose comes out at roughly
/// 1.2–1.4 tokens per word (common words are single tokens; long ones get split), close to common BPE vocabularies.
/// </summary>
public static class TokenCounter
{
    private const int ShortWordLength = 8;

    public static int Count(ReadOnlySpan<char> text)
    {
        var tokens = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (IsIdeographic(c))
            {
                tokens++;
                i++;
            }
            else if (char.IsLetterOrDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsLetterOrDigit(text[i]) && !IsIdeographic(text[i]))
                    i++;
                var length = i - start;
                tokens += length <= ShortWordLength ? 1 : (length + 3) / 4;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && !char.IsLetterOrDigit(text[i]))
                    i++;
                tokens += (i - start + 1) / 2;
            }
        }
        return tokens;
    }

    public static int Count(string text) => Count(text.AsSpan());

    private static bool IsIdeographic(char c) =>
        c is >= '\u3040' and <= '\u30FF' // kana
            or >= '\u3400' and <= '\u4DBF' // CJK extension A
            or >= '\u4E00' and <= '\u9FFF' // CJK unified ideographs
            or >= '\uAC00' and <= '\uD7AF' // Hangul syllables
            or >= '\uF900' and <= '\uFAFF'; // CJK compatibility ideographs
}
