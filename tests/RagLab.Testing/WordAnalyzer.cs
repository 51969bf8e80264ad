using System.Text.RegularExpressions;
using RagLab.Core.Retrieval.Analysis;

namespace RagLab.Testing;

/// <summary>A minimal analyzer for these tests: lower-case words, a few stop words dropped.</summary>
public sealed partial class WordAnalyzer : IAnalyzer
{
    private static readonly HashSet<string> StopWords = ["the", "a", "an", "of", "and", "is", "to", "in"];

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();

    public IReadOnlyList<string> Analyze(string text) =>
        Word().Matches(text.ToLowerInvariant()).Select(m => m.Value).Where(w => !StopWords.Contains(w)).ToList();
}
