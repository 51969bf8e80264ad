using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Retrieval;

public class ExactVectorIndexTests
{
    private const double Tolerance = 1e-6;

    private static EmbeddedChunk Embedded(string id, float[] vector, string? documentId = null, string collection = "c") =>
        new(TestChunks.Make(id, "text of " + id, collection, documentId), vector);

    [Fact]
    public async Task Ranks_by_cosine_similarity_whatever_the_vector_lengths()
    {
        var index = new ExactVectorIndex();
        await index.UpsertAsync([Embedded("a", [3, 0]), Embedded("b", [1, 1]), Embedded("c", [0, 5]), Embedded("d", [-2, 0])], CancellationToken.None);

        var results = await index.SearchAsync("c", new float[] { 2, 0 }, 10, CancellationToken.None);

        Assert.Equal(["a", "b", "c", "d"], results.Select(r => r.Chunk.Id));
        Assert.Equal(1.0, results[0].Score, Tolerance);
        Assert.Equal(1 / Math.Sqrt(2), results[1].Score, Tolerance);
        Assert.Equal(0.0, results[2].Score, Tolerance);
        Assert.Equal(-1.0, results[3].Score, Tolerance);
    }

    [Fact]
    public async Task Deleting_a_document_removes_its_chunks_and_keeps_the_others_intact()
    {
        var index = new ExactVectorIndex();
        await index.UpsertAsync(
        [
            Embedded("a", [1, 0, 0], "doc1"), Embedded("b", [0, 1, 0], "doc2"), Embedded("c", [0, 0, 1], "doc1"), Embedded("d", [1, 1, 0], "doc3"),
        ], CancellationToken.None);

        await index.DeleteDocumentAsync("c", "doc1", CancellationToken.None);

        Assert.Equal(2, index.Count("c"));
        var results = await index.SearchAsync("c", new float[] { 0, 1, 0 }, 10, CancellationToken.None);
        Assert.Equal(["b", "d"], results.Select(r => r.Chunk.Id));
        Assert.Equal(1.0, results[0].Score, Tolerance);
        Assert.Equal(1 / Math.Sqrt(2), results[1].Score, Tolerance);
    }

    [Fact]
    public async Task Upserting_a_chunk_id_again_replaces_its_vector()
    {
        var index = new ExactVectorIndex();
        await index.UpsertAsync([Embedded("a", [1, 0]), Embedded("b", [0, 1])], CancellationToken.None);

        await index.UpsertAsync([Embedded("a", [0, 2])], CancellationToken.None);

        Assert.Equal(2, index.Count("c"));
        var results = await index.SearchAsync("c", new float[] { 1, 0 }, 10, CancellationToken.None);
        Assert.All(results, r => Assert.Equal(0.0, r.Score, Tolerance));
    }

    [Fact]
    public async Task Rejects_vectors_of_another_dimension_with_an_actionable_message()
    {
        var index = new ExactVectorIndex();
        await index.UpsertAsync([Embedded("a", [1, 0, 0])], CancellationToken.None);

        var insert = await Assert.ThrowsAsync<ValidationException>(() => index.UpsertAsync([Embedded("b", [1, 0])], CancellationToken.None));
        var query = await Assert.ThrowsAsync<ValidationException>(() => index.SearchAsync("c", new float[] { 1, 0, 0, 0 }, 5, CancellationToken.None));

        Assert.Contains("3-dimensional", insert.Message);
        Assert.Contains("embedding model", insert.Message);
        Assert.Contains("re-index", insert.Message);
        Assert.Contains("4 dimensions", query.Message);
        Assert.Equal(3, index.Dimensions("c"));
    }

    [Fact]
    public async Task Rejects_non_finite_vectors_and_keeps_the_collection_searchable()
    {
        var index = new ExactVectorIndex();
        await index.UpsertAsync([Embedded("a", [1, 0, 0])], CancellationToken.None);

        var insert = await Assert.ThrowsAsync<ValidationException>(() => index.UpsertAsync([Embedded("b", [1, float.NaN, 0])], CancellationToken.None));
        var query = await Assert.ThrowsAsync<ValidationException>(() => index.SearchAsync("c", new float[] { 1, float.PositiveInfinity, 0 }, 5, CancellationToken.None));

        Assert.Contains("chunk 'b'", insert.Message);
        Assert.Contains("embedding model", insert.Message);
        Assert.Contains("query vector", query.Message);
        Assert.Equal(1, index.Count("c"));
        Assert.Equal("a", Assert.Single(await index.SearchAsync("c", new float[] { 1, 0, 0 }, 5, CancellationToken.None)).Chunk.Id);
    }

    [Fact]
    public async Task An_emptied_collection_accepts_a_new_dimension()
    {
        var index = new ExactVectorIndex();
        await index.UpsertAsync([Embedded("a", [1, 0, 0], "doc1")], CancellationToken.None);
        await index.DeleteDocumentAsync("c", "doc1", CancellationToken.None);

        await index.UpsertAsync([Embedded("b", [0, 1])], CancellationToken.None);

        Assert.Equal(2, index.Dimensions("c"));
        Assert.Equal("b", Assert.Single(await index.SearchAsync("c", new float[] { 0, 1 }, 5, CancellationToken.None)).Chunk.Id);
    }

    [Fact]
    public async Task Ties_are_ordered_by_chunk_id_and_collections_are_separate()
    {
        var index = new ExactVectorIndex();
        await index.UpsertAsync([Embedded("y", [1, 0]), Embedded("x", [2, 0]), Embedded("o", [1, 0], collection: "other")], CancellationToken.None);

        Assert.Equal(["x", "y"], (await index.SearchAsync("c", new float[] { 1, 0 }, 10, CancellationToken.None)).Select(r => r.Chunk.Id));
        Assert.Equal(["o"], (await index.SearchAsync("other", new float[] { 1, 0 }, 10, CancellationToken.None)).Select(r => r.Chunk.Id));
        Assert.Empty(await index.SearchAsync("missing", new float[] { 1, 0 }, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Large_collections_give_the_same_top_k_as_a_brute_force_ranking()
    {
        // Many near neighbours in few dimensions: the int8 intervals overlap a lot, so many rows go to float32 rescoring.
        var random = new Random(11);
        var chunks = Enumerable.Range(0, 40_000)
            .Select(i => Embedded($"v{i:D5}", [(float)random.NextDouble() - 0.5f, (float)random.NextDouble() - 0.5f, (float)random.NextDouble() - 0.5f, (float)random.NextDouble() - 0.5f]))
            .ToList();
        var index = new ExactVectorIndex();
        await index.UpsertAsync(chunks, CancellationToken.None);
        float[] query = [0.3f, -0.2f, 0.9f, 0.1f];

        var results = await index.SearchAsync("c", query, 10, CancellationToken.None);

        static double Cosine(float[] a, float[] b)
        {
            double dot = 0, na = 0, nb = 0;
            for (var i = 0; i < a.Length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
            return dot / Math.Sqrt(na * nb);
        }
        var expected = chunks.Select(c => (c.Chunk.Id, Score: Cosine(c.Vector.ToArray(), query))).OrderByDescending(e => e.Score).Take(10).ToList();
        Assert.Equal(expected.Select(e => e.Id), results.Select(r => r.Chunk.Id));
        Assert.Equal(expected[0].Score, results[0].Score, 1e-5);
    }
}
