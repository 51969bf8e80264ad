namespace RagLab.Core.Evaluation.Metrics;

/// <summary>
/// A cheap, model-free groundedness check: the share of answer sentences whose content words are mostly found in the context.
/// A sentence counts as grounded when at least <see cref="DefaultThreshold"/> (half) of its distinct content words
/// occur in the context. Sentences without content words ("Yes.") are not counted. Citation markers are ignored.
/// </summary>
public static class LexicalGroundedness
{
    public const double DefaultThreshold = 0.5;

    /// <param name="context">The cited chunks' text, or the retrieved chunks' text when nothing is cited.</param>
    /// <returns>0 to 1, or null when the answer has no sentence with content words.</returns>
    public static double? Score(string? answer, IEnumerable<string> context, double threshold = DefaultThreshold)
    {
        var contextWords = new HashSet<string>(StringComparer.Ordinal);
        foreach (var text in context) contextWords.UnionWith(AnswerText.WordSet(text));

        var counted = 0;
        var grounded = 0;
        foreach (var sentence in AnswerText.Sentences(answer))
        {
            var words = AnswerText.ContentWords(sentence).Distinct(StringComparer.Ordinal).ToArray();
            if (words.Length == 0) continue;
            counted++;
            var found = words.Count(contextWords.Contains);
            if ((double)found / words.Length >= threshold) grounded++;
        }
        return counted == 0 ? null : (double)grounded / counted;
    }
}
