using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Util;
using LuceneEnglishAnalyzer = Lucene.Net.Analysis.En.EnglishAnalyzer;
namespace RagLab.Core.Retrieval.Analysis;

/// <summary>
/// English analysis by Lucene.Net's <c>EnglishAnalyzer</c>, the chain Anserini uses for BEIR: StandardTokenizer (UAX #29),
/// English possessive removal, lower-casing, Lucene's 33 default English stop words, then the Porter stemmer.
/// Thread-safe: Lucene keeps one token stream per thread and reuses it for every call on that thread.
/// </summary>
public sealed class EnglishAnalyzer : IAnalyzer
{
    private const string Field = "text";

    private readonly LuceneEnglishAnalyzer _lucene = new(LuceneVersion.LUCENE_48);

    public static EnglishAnalyzer Instance { get; } = new();

    /// <summary>Lucene's default English stop words (<c>EnglishAnalyzer.DefaultStopSet</c>).</summary>
    public static int StopWordCount => LuceneEnglishAnalyzer.DefaultStopSet.Count;

    public IReadOnlyList<string> Analyze(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var terms = new List<string>(Math.Min(text.Length / 6 + 1, 4096));
        Analyze(text, terms, static (term, list) => list.Add(new string(term)));
        return terms;
    }

    /// <summary>Analyzes text and hands each term to <paramref name="onTerm"/> as a span over Lucene's term buffer (valid only during the call).</summary>
    public void Analyze<TState>(string text, TState state, TermAction<TState> onTerm)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var stream = _lucene.GetTokenStream(Field, text);
        var term = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
            onTerm(term.Buffer.AsSpan(0, term.Length), state);
        stream.End();
    }
}

/// <summary>Receives one analyzed term; the span is only valid during the call.</summary>
public delegate void TermAction<in TState>(ReadOnlySpan<char> term, TState state);
