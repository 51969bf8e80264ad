using System.Text;

namespace RagLab.Core.Evaluation.Metrics;

/// <summary>
/// The answer normalisation of the SQuAD v1.1 evaluation script: lower-case, remove punctuation,
/// drop the articles "a", "an", "the", collapse whitespace. Exact match and token F1 compare normalised text.
/// </summary>
public static class SquadNormalizer
{
    private static readonly HashSet<string> Articles = new(StringComparer.Ordinal) { "a", "an", "the" };

    public static string Normalize(string? text) => string.Join(' ', Tokens(text));

    /// <summary>The normalised tokens, in order, with repeats.</summary>
    public static IReadOnlyList<string> Tokens(string? text)
    {
        if (string.IsNullOrEmpty(text)) return [];
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            // Punctuation and symbols are removed outright (not replaced by a space), as the SQuAD script does.
            if (char.IsPunctuation(c) || char.IsSymbol(c)) continue;
            builder.Append(char.IsWhiteSpace(c) ? ' ' : c);
        }
        return builder.ToString()
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(token => !Articles.Contains(token))
            .ToArray();
    }
}
