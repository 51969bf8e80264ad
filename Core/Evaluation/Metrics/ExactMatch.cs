namespace RagLab.Core.Evaluation.Metrics;

/// <summary>SQuAD exact match: 1 when the normalised answer equals a normalised reference, else 0.</summary>
public static class ExactMatch
{
    /// <returns>The best score over <paramref name="references"/>, or null when there is no reference.</returns>
    public static double? Score(string? answer, IReadOnlyList<string> references)
    {
        if (references.Count == 0) return null;
        var normalized = SquadNormalizer.Normalize(answer);
        return references.Any(reference => SquadNormalizer.Normalize(reference) == normalized) ? 1.0 : 0.0;
    }
}
