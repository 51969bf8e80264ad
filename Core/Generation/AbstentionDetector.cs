using System.Text.RegularExpressions;

namespace RagLab.Core.Generation;

/// <summary>
/// Recognises answers that decline to answer ("The documents do not contain the answer.", "I don't know based on the
/// provided context", "The context does not mention …"), so evaluation can count abstentions separately from wrong answers.
/// </summary>
public static partial class AbstentionDetector
{
    /// <summary>The exact sentence the RAG prompt asks the model to give when the context lacks the answer.</summary>
    public const string CanonicalPhrase = "The documents do not contain the answer.";

    /// <summary>
    /// True when the answer declines to answer. A declining sentence counts when it is the first sentence or the answer
    /// has at most two sentences (a long answer that ends with "the documents do not mention X" is a partial answer),
    /// and when it neither carries a citation marker nor goes on with "but"/"however" (those are claims, not refusals).
    /// Answers that merely mention documents or context ("According to the documents, …") are not abstentions.
    /// </summary>
    public static bool IsAbstention(string? answer)
    {
        if (string.IsNullOrWhiteSpace(answer))
        {
            return false;
        }
        string text = answer.Trim().Replace('’', '\'').Replace('‘', '\'');
        if (text.Contains(CanonicalPhrase.TrimEnd('.'), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var sentences = SentenceSplitter.Split(text);
        for (int s = 0; s < sentences.Count; s++)
        {
            if (s > 0 && sentences.Count > 2)
            {
                break;
            }
            var (start, end) = sentences[s];
            string sentence = text[start..end];
            if (CitationMarker().IsMatch(sentence))
            {
                continue;
            }
            var match = Declining().Match(sentence);
            if (match.Success && !Contrast().IsMatch(sentence[(match.Index + match.Length)..]))
            {
                return true;
            }
        }
        return false;
    }

    // Subjects a refusal talks about: the material the model was given.
    private const string Source =
        @"(?:the\s+|these\s+|this\s+|your\s+)?(?:provided\s+|given\s+|retrieved\s+|supplied\s+|available\s+|above\s+)?" +
        @"(?:documents?|context|sources?|passages?|excerpts?|snippets?|texts?|materials?|information|chunks?)" +
        @"(?:\s+(?:provided|given|above|supplied|available))?";

    private const string Negation = @"(?:does\s+not|do\s+not|doesn't|don't|did\s+not|didn't|cannot|can't|fails?\s+to)";

    [GeneratedRegex(
        // "The documents do not contain the answer / any information / details …"
        @"\b" + Source + @"\s+" + Negation + @"\s+(?:seem\s+to\s+|appear\s+to\s+)?(?:contain|include|have|hold)\s+" +
        @"(?:the\s+|an\s+|any\s+|enough\s+|sufficient\s+|relevant\s+|specific\s+|this\s+|that\s+|such\s+)*" +
        @"(?:answer|information|info|details?|data\s+(?:on|about|regarding)|mention|reference|explanation|specifics|facts?)\b" +
        // "The context does not mention / specify / say / address …" (verbs about what a text says)
        @"|\b" + Source + @"\s+" + Negation + @"\s+(?:seem\s+to\s+|appear\s+to\s+)?" +
        @"(?:mention|specify|say|state|discuss|cover|address|describe|explain|indicate|provide|answer|give|tell|define|list|clarify)\b" +
        // "… is not mentioned / found in the documents"
        @"|\bnot\s+(?:explicitly\s+|directly\s+)?(?:mentioned|found|covered|specified|stated|provided|available|present|addressed|included|contained|discussed|described|given|listed)\s+(?:in|by|within)\s+" + Source + @"\b" +
        // "There is no information about X in the context", "The context provides no information"
        @"|\b(?:there\s+is|there's|contains?|provides?|gives?|offers?)\s+no\s+(?:relevant\s+|specific\s+|such\s+)?(?:information|mention|answer|details|reference)\b" +
        // "I don't know", "I cannot answer / determine / find", "I'm unable to find"
        @"|\b(?:i|we)\s+(?:do\s+not|don't|cannot|can't|could\s+not|couldn't|am\s+unable\s+to|'m\s+unable\s+to|am\s+not\s+able\s+to|'m\s+not\s+able\s+to|are\s+unable\s+to)\s+(?:know|find|answer|determine|tell|say|provide|locate|identify|confirm)\b" +
        @"|\bi\s+(?:do\s+not|don't)\s+have\s+(?:enough\s+|sufficient\s+|any\s+)?(?:information|context|data|details)\b" +
        @"|\b(?:insufficient|not\s+enough)\s+(?:information|context|data|details)\b" +
        @"|\bunable\s+to\s+(?:find|answer|determine|locate)\b" +
        @"|\bno\s+answer\s+(?:can\s+be|is)\s+(?:found|given|provided)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Declining();

    [GeneratedRegex(@"[,;]?\s*\b(?:but|however|although|though|yet|whereas|except)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Contrast();

    [GeneratedRegex(@"\[\s*\d{1,3}(?:\s*[-–,;]\s*\d{1,3})*\s*\]")]
    private static partial Regex CitationMarker();
}
