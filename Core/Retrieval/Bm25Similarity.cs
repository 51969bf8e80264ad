namespace RagLab.Core.Retrieval;

/// <summary>
/// Lucene's BM25 scoring: idf = ln(1 + (N − n + 0.5)/(n + 0.5)) and
/// term score = idf · tf·(k1+1) / (tf + k1·(1 − b + b·dl/avgdl)), summed over query terms.
/// N and n count live (not deleted) chunks; dl and avgdl are in analyzed terms.
/// </summary>
public sealed class Bm25Similarity
{
    public Bm25Similarity(Bm25Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    public Bm25Options Options { get; }

    /// <summary>Inverse document frequency of a term found in <paramref name="documentFrequency"/> of <paramref name="documentCount"/> chunks.</summary>
    public static double Idf(long documentCount, long documentFrequency) =>
        Math.Log(1 + (documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5));

    /// <summary>The score one query term contributes to one chunk.</summary>
    public double TermScore(double idf, int termFrequency, int documentLength, double averageDocumentLength) =>
        QueryTermWeight(idf, 1) * termFrequency / (termFrequency + LengthNorm(documentLength, averageDocumentLength));

    /// <summary>The part of a term score that does not depend on the chunk: idf · (k1+1) · how often the term is in the query.</summary>
    internal double QueryTermWeight(double idf, int queryTermFrequency) => idf * (Options.K1 + 1) * queryTermFrequency;

    /// <summary>k1·(1 − b + b·dl/avgdl).</summary>
    internal double LengthNorm(int documentLength, double averageDocumentLength) =>
        Options.K1 * (1 - Options.B + Options.B * documentLength / averageDocumentLength);

    /// <summary>Coefficients so that LengthNorm(dl) = constant + perTerm · dl, for the scoring loop.</summary>
    internal (double Constant, double PerTerm) LengthNormCoefficients(double averageDocumentLength) =>
        (Options.K1 * (1 - Options.B), Options.K1 * Options.B / averageDocumentLength);
}
