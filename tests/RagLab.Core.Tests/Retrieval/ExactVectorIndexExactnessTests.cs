using System.Numerics.Tensors;
using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Retrieval;

/// <summary>
/// The index prunes with an int8 copy of the vectors; these tests check that the top K is still exactly the one a
/// float32 brute force gives (same ids, same order, same scores), including on data built to defeat the pruning.
/// </summary>
public class ExactVectorIndexExactnessTests
{
    private const string Collection = "c";

    public static TheoryData<int, int, int> RandomCases => new()
    {
        // seed, dimensions, chunks
        { 1, 8, 2_000 }, { 2, 8, 40_000 }, { 3, 50, 3_000 }, { 4, 384, 3_000 }, { 5, 384, 3_000 }, { 6, 384, 1_000 },
    };

    [Theory]
    [MemberData(nameof(RandomCases))]
    public async Task Random_vectors_give_the_brute_force_top_k(int seed, int dimensions, int count)
    {
        var random = new Random(seed);
        var vectors = Enumerable.Range(0, count).Select(_ => Gaussian(random, dimensions, scale: 1 + 10 * random.NextDouble())).ToList();
        var index = await IndexAsync(vectors);

        for (var q = 0; q < 5; q++)
        {
            var query = Gaussian(random, dimensions, scale: 3);
            foreach (var topK in new[] { 1, 10, 50 })
                AssertSameAsBruteForce(vectors, query, topK, await index.SearchAsync(Collection, query, topK, CancellationToken.None));
        }
    }

    [Theory]
    [InlineData(7, 8, 3_000)]
    [InlineData(8, 384, 2_000)]
    [InlineData(9, 8, 40_000)]
    public async Task Near_ties_below_int8_resolution_are_ranked_as_float32_ranks_them(int seed, int dimensions, int count)
    {
        // Most rows are one base vector nudged by less than an int8 step (and some are exact copies, whose order is the
        // chunk id), so the int8 scan cannot tell them apart and the float32 rescoring must.
        var random = new Random(seed);
        var baseVector = Gaussian(random, dimensions, scale: 1);
        var vectors = Enumerable.Range(0, count).Select(i =>
        {
            if (i % 3 == 0) return Gaussian(random, dimensions, scale: 1);
            if (i % 7 == 0) return (float[])baseVector.Clone();
            var nudge = i % 2 == 0 ? 1e-4 : 1e-6;
            return baseVector.Select(x => x + (float)(nudge * (random.NextDouble() - 0.5))).ToArray();
        }).ToList();
        var index = await IndexAsync(vectors);

        foreach (var query in new[] { baseVector, baseVector.Select(x => x + (float)(0.01 * (random.NextDouble() - 0.5))).ToArray(), Gaussian(random, dimensions, 1) })
            foreach (var topK in new[] { 1, 10, 100 })
                AssertSameAsBruteForce(vectors, query, topK, await index.SearchAsync(Collection, query, topK, CancellationToken.None));
    }

    [Fact]
    public async Task Spiky_zero_and_extreme_magnitude_vectors_give_the_brute_force_top_k()
    {
        // One dominant component leaves the other components a coarse int8 step: the widest error bounds.
        var random = new Random(10);
        const int dimensions = 64;
        var vectors = Enumerable.Range(0, 3_000).Select(i =>
        {
            var vector = Gaussian(random, dimensions, scale: i % 5 == 0 ? 1e-15 : i % 5 == 1 ? 1e15 : 1);
            if (i % 4 == 0) vector[random.Next(dimensions)] = 1000 * vector.Max(MathF.Abs);
            if (i % 97 == 0) Array.Clear(vector);
            return vector;
        }).ToList();
        var index = await IndexAsync(vectors);

        for (var q = 0; q < 10; q++)
        {
            var query = Gaussian(random, dimensions, scale: 1);
            if (q % 2 == 0) query[random.Next(dimensions)] = 50;
            AssertSameAsBruteForce(vectors, query, 20, await index.SearchAsync(Collection, query, 20, CancellationToken.None));
        }
    }

    [Fact]
    public async Task Deletes_and_replacements_keep_the_brute_force_top_k()
    {
        // Deletes move the last row into the hole; replacements rewrite a row: both must move the int8 copy with it.
        var random = new Random(12);
        const int dimensions = 48;
        var live = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var index = new ExactVectorIndex();
        var batch = Enumerable.Range(0, 4_000).Select(i => (Id: Id(i), Vector: Gaussian(random, dimensions, 1))).ToList();
        await index.UpsertAsync(batch.Select(b => Embedded(b.Id, b.Vector)).ToList(), CancellationToken.None);
        foreach (var (id, vector) in batch) live[id] = vector;

        for (var round = 0; round < 3; round++)
        {
            foreach (var i in Enumerable.Range(0, 4_000).Where(i => i % 5 == round))
            {
                await index.DeleteDocumentAsync(Collection, "doc-" + Id(i), CancellationToken.None);
                live.Remove(Id(i));
            }
            var replaced = Enumerable.Range(0, 4_000).Where(i => i % 7 == round).Select(i => (Id: Id(i), Vector: Gaussian(random, dimensions, 1))).ToList();
            await index.UpsertAsync(replaced.Select(r => Embedded(r.Id, r.Vector)).ToList(), CancellationToken.None);
            foreach (var (id, vector) in replaced) live[id] = vector;

            Assert.Equal(live.Count, index.Count(Collection));
            var rows = live.OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
            for (var q = 0; q < 3; q++)
            {
                // A query equal to a replaced vector must find that chunk first.
                var query = q == 0 ? replaced[^1].Vector : Gaussian(random, dimensions, 1);
                var results = await index.SearchAsync(Collection, query, 10, CancellationToken.None);
                AssertSameAsBruteForce(rows.Select(r => r.Value).ToList(), query, 10, results, rows.Select(r => r.Key).ToList());
                if (q == 0) Assert.Equal(replaced[^1].Id, results[0].Chunk.Id);
            }
        }
    }

    private static async Task<ExactVectorIndex> IndexAsync(IReadOnlyList<float[]> vectors)
    {
        var index = new ExactVectorIndex();
        await index.UpsertAsync(vectors.Select((v, i) => Embedded(Id(i), v)).ToList(), CancellationToken.None);
        return index;
    }

    /// <summary>Scores every vector as the float32 brute force does (normalize, then dot) and compares the whole top K.</summary>
    private static void AssertSameAsBruteForce(IReadOnlyList<float[]> vectors, float[] query, int topK, IReadOnlyList<ScoredChunk> actual, IReadOnlyList<string>? ids = null)
    {
        var unitQuery = Unit(query);
        var expected = vectors
            .Select((v, i) => (Id: ids?[i] ?? Id(i), Score: (double)TensorPrimitives.Dot(Unit(v), unitQuery), Double: DoubleCosine(v, query)))
            .OrderByDescending(e => e.Score).ThenBy(e => e.Id, StringComparer.Ordinal)
            .Take(topK)
            .ToList();
        Assert.Equal(expected.Select(e => e.Id), actual.Select(r => r.Chunk.Id));
        Assert.Equal(expected.Select(e => e.Score), actual.Select(r => r.Score));
        // And float32 is faithful to the true cosine.
        Assert.All(expected, e => Assert.Equal(e.Double, e.Score, 1e-5));
    }

    private static float[] Unit(float[] vector)
    {
        var unit = new float[vector.Length];
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0) TensorPrimitives.Divide(vector, norm, unit);
        return unit;
    }

    private static double DoubleCosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { dot += (double)a[i] * b[i]; na += (double)a[i] * a[i]; nb += (double)b[i] * b[i]; }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    private static float[] Gaussian(Random random, int dimensions, double scale)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
            vector[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return vector;
    }

    private static string Id(int i) => $"v{i:D6}";

    private static EmbeddedChunk Embedded(string id, float[] vector) => new(TestChunks.Make(id, "text of " + id, Collection, "doc-" + id), vector);
}
