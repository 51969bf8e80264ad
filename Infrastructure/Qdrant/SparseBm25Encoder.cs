using System.Text;
using RagLab.Core.Retrieval;
using RagLab.Core.Retrieval.Analysis;

namespace RagLab.Infrastructure.Qdrant;

/// <summary>
/// Turns text into Qdrant sparse vectors that score like BM25 when the collection's sparse vector has <c>modifier: idf</c>:
/// Qdrant multiplies each query term by its IDF over the collection, and the dot product with the document vector adds up
/// idf · tf·(k1+1)/(tf + k1·(1−b+b·dl/avgdl)) over the shared terms.
/// </summary>
/// <remarks>
/// Term ids are the 32-bit FNV-1a hash of the term's UTF-8 bytes, so no vocabulary has to be shared between writers. The price is
/// collisions: a vocabulary of V terms has about V²/2³³ colliding pairs (about one pair at 100k terms). Two colliding terms
/// share one IDF and match each other, which only nudges the scores of the few chunks containing them.
/// <para>
/// The document-length normalisation needs avgdl, which Qdrant does not compute: the caller passes the collection's average chunk
/// length in analyzed terms (<see cref="QdrantChunkIndex"/> keeps it from the chunks it writes). A point keeps the average of its
/// write time, as Qdrant cannot re-weigh stored vectors.
/// </para>
/// </remarks>
public sealed class SparseBm25Encoder(IAnalyzer analyzer, double k1 = SparseBm25Encoder.DefaultK1, double b = SparseBm25Encoder.DefaultB)
{
    /// <summary>The embedded index's default (<see cref="Bm25Options"/>, Anserini's); the host passes RagLab:Bm25.</summary>
    public const double DefaultK1 = 0.9;
    /// <summary>The embedded index's default (<see cref="Bm25Options"/>, Anserini's); the host passes RagLab:Bm25.</summary>
    public const double DefaultB = 0.4;

    public double K1 { get; } = k1;
    public double B { get; } = b;

    /// <summary>The analyzed terms of a text (the same analysis the embedded index uses); their count is the chunk's length.</summary>
    public IReadOnlyList<string> Analyze(string text) => analyzer.Analyze(text);

    /// <summary>A document's vector: per unique term, the BM25 term-frequency factor. Indices ascending.</summary>
    public QdrantSparseVector EncodeDocument(string text, double averageDocumentLength) => EncodeDocument(Analyze(text), averageDocumentLength);

    /// <summary>A document's vector from its analyzed <paramref name="terms"/>, normalised by <paramref name="averageDocumentLength"/>.</summary>
    public QdrantSparseVector EncodeDocument(IReadOnlyList<string> terms, double averageDocumentLength)
    {
        if (!(averageDocumentLength > 0))
            throw new ArgumentOutOfRangeException(nameof(averageDocumentLength), averageDocumentLength, "The average document length must be positive.");
        var frequencies = CountByIndex(terms);
        double length = terms.Count;
        var norm = K1 * (1 - B + B * length / averageDocumentLength);
        return Build(frequencies, tf => (float)(tf * (K1 + 1) / (tf + norm)));
    }

    /// <summary>A query's vector: 1 per unique term, so Qdrant's IDF alone weighs each term. Indices ascending.</summary>
    public QdrantSparseVector EncodeQuery(string text) => Build(CountByIndex(analyzer.Analyze(text)), _ => 1f);

    /// <summary>The sparse index of a term: 32-bit FNV-1a of its UTF-8 bytes.</summary>
    public static uint TermIndex(string term)
    {
        const uint OffsetBasis = 2166136261;
        const uint Prime = 16777619;
        var hash = OffsetBasis;
        foreach (var value in Encoding.UTF8.GetBytes(term))
        {
            hash ^= value;
            hash *= Prime;
        }
        return hash;
    }

    private static SortedDictionary<uint, int> CountByIndex(IReadOnlyList<string> terms)
    {
        var counts = new SortedDictionary<uint, int>();
        foreach (var term in terms)
        {
            var index = TermIndex(term);
            counts[index] = counts.GetValueOrDefault(index) + 1;
        }
        return counts;
    }

    private static QdrantSparseVector Build(SortedDictionary<uint, int> frequencies, Func<int, float> weight)
    {
        var indices = new uint[frequencies.Count];
        var values = new float[frequencies.Count];
        var i = 0;
        foreach (var (index, tf) in frequencies)
        {
            indices[i] = index;
            values[i] = weight(tf);
            i++;
        }
        return new QdrantSparseVector(indices, values);
    }
}
