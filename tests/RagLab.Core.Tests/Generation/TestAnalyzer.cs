using RagLab.Core.Retrieval.Analysis;

namespace RagLab.Core.Tests.Generation;

/// <summary>A tiny analyzer for these tests: lower-cases, splits on anything but letters and digits, drops a few stop words.</summary>
internal sealed class TestAnalyzer : IAnalyzer
{
    private static readonly HashSet<string> StopWords =
    [
        "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "is", "are", "was", "be", "it", "its", "by",
        "with", "as", "at", "this", "that", "what", "which", "how", "do", "does", "i", "you", "your", "can", "from",
        "they", "them", "their", "when", "who", "where", "why", "if", "my", "me", "we", "about", "there", "have", "has",
    ];

    public IReadOnlyList<string> Analyze(string text)
    {
        var terms = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                string term = text[start..i].ToLowerInvariant();
                if (!StopWords.Contains(term))
                {
                    terms.Add(term);
                }
                start = -1;
            }
        }
        return terms;
    }
}
