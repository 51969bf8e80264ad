using RagLab.Core.Evaluation.Metrics;

namespace RagLab.Core.Evaluation.Sets;

/// <summary>Near-duplicate questions: Jaccard similarity of their SQuAD-normalised token sets.</summary>
public static class QuestionSimilarity
{
    /// <summary>Questions at or above this similarity count as the same question.</summary>
    public const double DefaultDuplicateThreshold = 0.8;

    public static double Jaccard(string a, string b)
    {
        var left = SquadNormalizer.Tokens(a).ToHashSet(StringComparer.Ordinal);
        var right = SquadNormalizer.Tokens(b).ToHashSet(StringComparer.Ordinal);
        if (left.Count == 0 && right.Count == 0) return 1.0;
        var intersection = left.Count(right.Contains);
        return (double)intersection / (left.Count + right.Count - intersection);
    }

    public static bool IsNearDuplicate(string question, IEnumerable<string> existing, double threshold = DefaultDuplicateThreshold) =>
        existing.Any(other => Jaccard(question, other) >= threshold);
}
