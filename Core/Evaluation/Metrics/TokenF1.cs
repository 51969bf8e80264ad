namespace RagLab.Core.Evaluation.Metrics;

/// <summary>SQuAD token F1: harmonic mean of precision and recall over the multiset of normalised tokens.</summary>
public static class TokenF1
{
    /// <returns>The best score over <paramref name="references"/>, or null when there is no reference.</returns>
    public static double? Score(string? answer, IReadOnlyList<string> references)
    {
        if (references.Count == 0) return null;
        var answerTokens = SquadNormalizer.Tokens(answer);
        return references.Max(reference => Score(answerTokens, SquadNormalizer.Tokens(reference)));
    }

    /// <summary>F1 of two token lists. As in the SQuAD script, two empty lists score 1 and one empty list scores 0.</summary>
    public static double Score(IReadOnlyList<string> answer, IReadOnlyList<string> reference)
    {
        if (answer.Count == 0 || reference.Count == 0) return answer.Count == reference.Count ? 1.0 : 0.0;
        var referenceCounts = reference.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var common = 0;
        foreach (var token in answer)
        {
            if (referenceCounts.TryGetValue(token, out var left) && left > 0)
            {
                referenceCounts[token] = left - 1;
                common++;
            }
        }
        if (common == 0) return 0.0;
        var precision = (double)common / answer.Count;
        var recall = (double)common / reference.Count;
        return 2 * precision * recall / (precision + recall);
    }
}
