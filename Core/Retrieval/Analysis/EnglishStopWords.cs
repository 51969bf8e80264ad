using System.Collections.Frozen;
using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval.Analysis;

/// <summary>Lucene's default English stop words (<c>EnglishAnalyzer.ENGLISH_STOP_WORDS_SET</c>), the set Anserini uses for BEIR.</summary>
public static class EnglishStopWords
{
    public static readonly FrozenSet<string> Words = FrozenSet.Create(StringComparer.Ordinal,
    [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
        "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
        "they", "this", "to", "was", "will", "with",
    ]);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> SpanLookup =
        Words.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Whether a lower-cased word is a stop word, without allocating.</summary>
    public static bool Contains(ReadOnlySpan<char> word) => SpanLookup.Contains(word);
}
