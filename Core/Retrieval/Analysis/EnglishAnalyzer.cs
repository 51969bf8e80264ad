using RagLab.Core.Kernel;
namespace RagLab.Core.Retrieval.Analysis;

/// <summary>
/// English analysis as Lucene's EnglishAnalyzer (and Anserini's default for BEIR) does it:
/// <see cref="StandardTokenizer"/>, English possessive removal ("John's" → "John"), lower-casing,
/// Lucene's 33 default English stop words (<see cref="EnglishStopWords"/>), then <see cref="PorterStemmer"/>.
/// Stateless and thread-safe.
/// </summary>
public sealed class EnglishAnalyzer : IAnalyzer
{
    public static EnglishAnalyzer Instance { get; } = new();

    public IReadOnlyList<string> Analyze(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>(Math.Min(text.Length / 6 + 1, 4096));
        Analyze(text, terms, static (term, list) => list.Add(new string(term)));
        return terms;
    }

    /// <summary>Analyzes text and hands each term to <paramref name="onTerm"/> as a span over a scratch buffer (valid only during the call).</summary>
    public void Analyze<TState>(ReadOnlySpan<char> text, TState state, TermAction<TState> onTerm)
    {
        Span<char> buffer = stackalloc char[StandardTokenizer.MaxTokenLength];
        var tokenizer = new StandardTokenizer(text);
        while (tokenizer.TryNext(out var token))
        {
            token = RemovePossessive(token);
            var length = token.ToLowerInvariant(buffer);
            var term = buffer[..length];
            if (EnglishStopWords.Contains(term)) continue;
            length = PorterStemmer.Stem(term);
            onTerm(buffer[..length], state);
        }
    }

    // Lucene's EnglishPossessiveFilter: a trailing 's (straight, right single or full-width apostrophe) is dropped.
    private static ReadOnlySpan<char> RemovePossessive(ReadOnlySpan<char> token)
    {
        if (token.Length >= 2 && token[^1] is 's' or 'S' && token[^2] is '\'' or '\u2019' or '\uFF07')
            return token[..^2];
        return token;
    }
}

/// <summary>Receives one analyzed term; the span is only valid during the call.</summary>
public delegate void TermAction<in TState>(ReadOnlySpan<char> term, TState state);
