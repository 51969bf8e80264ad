using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Metrics;

/// <summary>Cited chunks whose document is relevant ÷ cited chunks (each chunk counted once).</summary>
public static class CitationPrecision
{
    /// <returns>Null when nothing is cited or the question has no relevance labels (the ratio is undefined).</returns>
    public static double? Score(IReadOnlyList<Citation> citations, RelevanceLabels relevant)
    {
        if (citations.Count == 0 || relevant.IsEmpty) return null;
        var chunks = citations.DistinctBy(c => c.ChunkId, StringComparer.Ordinal).ToArray();
        return (double)chunks.Count(c => relevant.Matches(c.DocumentId, c.DocumentName)) / chunks.Length;
    }
}
