using System.Text.RegularExpressions;

namespace RagLab.Core.Evaluation.Metrics;

/// <summary>Splits answers into sentences and content words, ignoring citation markers such as [1], [^2], [doc:abc] or 【3】.</summary>
public static partial class AnswerText
{
    // Bracketed markers up to 40 characters with no spaces inside, the forms generators use to cite a chunk.
    [GeneratedRegex(@"\[\^?[^\[\]\s]{1,40}\]|【[^【】]{1,40}】")]
    private static partial Regex CitationMarker();

    [GeneratedRegex(@"(?<=[.!?])\s+|\n+")]
    private static partial Regex SentenceBoundary();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();

    /// <summary>Common English function words; they say nothing about whether a sentence is supported.</summary>
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "and", "or", "but", "if", "then", "else", "of", "to", "in", "on", "at", "by", "for", "with", "from",
        "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these", "those", "there",
        "their", "they", "them", "he", "she", "his", "her", "we", "our", "you", "your", "i", "me", "my", "not", "no", "do",
        "does", "did", "has", "have", "had", "can", "could", "will", "would", "should", "may", "might", "must", "so", "such",
        "than", "too", "very", "also", "which", "who", "whom", "what", "when", "where", "why", "how", "all", "any", "each",
        "about", "into", "over", "under", "up", "down", "out", "only", "just", "more", "most", "some", "other",
    };

    public static string StripCitationMarkers(string text) => CitationMarker().Replace(text, " ");

    public static IReadOnlyList<string> Sentences(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        return SentenceBoundary().Split(StripCitationMarkers(text))
            .Select(s => s.Trim())
            .Where(s => s.Length > 0)
            .ToArray();
    }

    /// <summary>Lower-cased words that are not stop words.</summary>
    public static IReadOnlyList<string> ContentWords(string text) =>
        Word().Matches(StripCitationMarkers(text).ToLowerInvariant())
            .Select(m => m.Value)
            .Where(w => !StopWords.Contains(w))
            .ToArray();

    /// <summary>Every lower-cased word of the text (stop words included), for lookups.</summary>
    public static HashSet<string> WordSet(string text) =>
        Word().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
}
