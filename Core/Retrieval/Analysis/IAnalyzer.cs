namespace RagLab.Core.Retrieval.Analysis;

/// <summary>Turns text into index terms (Lucene's "analysis"). The same analyzer must be used to index and to query.</summary>
public interface IAnalyzer
{
    /// <summary>The terms of <paramref name="text"/> in order, with repeats.</summary>
    IReadOnlyList<string> Analyze(string text);
}
