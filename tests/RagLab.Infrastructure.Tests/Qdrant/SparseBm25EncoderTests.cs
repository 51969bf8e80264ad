using RagLab.Infrastructure.Qdrant;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Qdrant;

public sealed class SparseBm25EncoderTests
{
    private readonly SparseBm25Encoder _encoder = new(new WordAnalyzer(), k1: 1.2, b: 0.75);
    private const double AverageLength = 4;

    [Fact]
    public void Term_index_is_32_bit_fnv1a_of_the_utf8_bytes()
    {
        // Published FNV-1a test vectors.
        Assert.Equal(0x811c9dc5u, SparseBm25Encoder.TermIndex(""));
        Assert.Equal(0xe40c292cu, SparseBm25Encoder.TermIndex("a"));
        Assert.Equal(0xbf9cf968u, SparseBm25Encoder.TermIndex("foobar"));
    }

    [Fact]
    public void Document_values_are_the_bm25_term_frequency_factor()
    {
        // Six terms after analysis: qdrant ×2, vector, search, engine, fast. dl = 6, avgdl = 4.
        var vector = _encoder.EncodeDocument("Qdrant is a vector search engine; Qdrant is fast", AverageLength);

        var norm = 1.2 * (1 - 0.75 + 0.75 * 6 / 4.0);
        var qdrant = Array.IndexOf(vector.Indices, SparseBm25Encoder.TermIndex("qdrant"));
        var fast = Array.IndexOf(vector.Indices, SparseBm25Encoder.TermIndex("fast"));
        Assert.Equal(5, vector.Indices.Length);
        Assert.Equal(2 * 2.2 / (2 + norm), vector.Values[qdrant], 5);
        Assert.Equal(1 * 2.2 / (1 + norm), vector.Values[fast], 5);
    }

    [Fact]
    public void Longer_documents_weigh_a_term_less()
    {
        var shortDoc = _encoder.EncodeDocument("qdrant search", AverageLength);
        var longDoc = _encoder.EncodeDocument("qdrant search engine written rust stores vectors payloads", AverageLength);
        var index = SparseBm25Encoder.TermIndex("qdrant");

        Assert.True(shortDoc.Values[Array.IndexOf(shortDoc.Indices, index)] > longDoc.Values[Array.IndexOf(longDoc.Indices, index)]);
    }

    [Fact]
    public void Query_has_weight_one_per_unique_term_and_shares_indices_with_documents()
    {
        var query = _encoder.EncodeQuery("search search the engine");
        var document = _encoder.EncodeDocument("an engine to search", AverageLength);

        Assert.Equal(2, query.Indices.Length);
        Assert.All(query.Values, v => Assert.Equal(1f, v));
        Assert.Equal(query.Indices.Order(), document.Indices.Order());
    }

    [Fact]
    public void Indices_are_unique_and_ascending()
    {
        var vector = _encoder.EncodeDocument("b a c a b d e f g a", AverageLength);

        Assert.Equal(vector.Indices.Order().ToArray(), vector.Indices);
        Assert.Equal(vector.Indices.Length, vector.Indices.Distinct().Count());
        Assert.Equal(vector.Indices.Length, vector.Values.Length);
    }

    [Fact]
    public void Text_without_terms_gives_an_empty_vector()
    {
        Assert.True(_encoder.EncodeQuery("the of and").IsEmpty);
    }
}
