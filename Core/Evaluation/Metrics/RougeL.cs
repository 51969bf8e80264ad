namespace RagLab.Core.Evaluation.Metrics;

/// <summary>
/// ROUGE-L (Lin, 2004): an F-measure over the longest common subsequence of tokens.
/// P = LCS/|answer|, R = LCS/|reference|, F = (1+β²)·P·R / (R + β²·P).
/// The default β is 1.2, as in the COCO caption evaluation code (weights recall slightly more than precision).
/// Tokens are the SQuAD-normalised tokens, so case, punctuation and articles do not count.
/// </summary>
public static class RougeL
{
    public const double DefaultBeta = 1.2;

    /// <returns>The best score over <paramref name="references"/>, or null when there is no reference.</returns>
    public static double? Score(string? answer, IReadOnlyList<string> references, double beta = DefaultBeta)
    {
        if (references.Count == 0) return null;
        var answerTokens = SquadNormalizer.Tokens(answer);
        return references.Max(reference => Score(answerTokens, SquadNormalizer.Tokens(reference), beta));
    }

    public static double Score(IReadOnlyList<string> answer, IReadOnlyList<string> reference, double beta = DefaultBeta)
    {
        if (answer.Count == 0 || reference.Count == 0) return answer.Count == reference.Count ? 1.0 : 0.0;
        var lcs = LongestCommonSubsequence(answer, reference);
        if (lcs == 0) return 0.0;
        var precision = (double)lcs / answer.Count;
        var recall = (double)lcs / reference.Count;
        var beta2 = beta * beta;
        return (1 + beta2) * precision * recall / (recall + beta2 * precision);
    }

    public static int LongestCommonSubsequence(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        // Two rolling rows: O(|a|·|b|) time, O(|b|) memory.
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (var i = 1; i <= a.Count; i++)
        {
            for (var j = 1; j <= b.Count; j++)
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            (previous, current) = (current, previous);
        }
        return previous[b.Count];
    }
}
