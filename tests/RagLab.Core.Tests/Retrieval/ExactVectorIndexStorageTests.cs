using System.Numerics.Tensors;
using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Retrieval;

/// <summary>
/// <see cref="ExactVectorIndex"/>'s float32 rows on disk: growth over many segments, removals that move rows between
/// segments, and snapshots that bring a collection back after a restart only when it is still the one saved.
/// </summary>
public sealed class ExactVectorIndexStorageTests : IDisposable
{
    private const string Collection = "c";
    private const int Dimensions = 24;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raglab-vectors-" + Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Growing_over_many_segments_and_removing_across_them_keep_the_brute_force_top_k()
    {
        var random = new Random(7);
        var live = new Dictionary<string, float[]>(StringComparer.Ordinal);
        using var index = new ExactVectorIndex(new ExactVectorIndexOptions(_directory) { RowsPerSegment = 64 });
        for (var batch = 0; batch < 10; batch++)
        {
            var added = Enumerable.Range(batch * 100, 100).Select(i => (Id: $"chunk{i:D4}", Vector: Random(random))).ToList();
            await index.UpsertAsync(added.Select(a => Embedded(a.Id, a.Vector)).ToList(), CancellationToken.None);
            foreach (var (id, vector) in added) live[id] = vector;
        }
        Assert.True(Directory.EnumerateFiles(_directory, "vectors-*.f32", SearchOption.AllDirectories).Count() >= 16);

        // Each chunk is its own document: deleting every third pulls rows from the last segments into the first.
        foreach (var id in live.Keys.Where((_, i) => i % 3 == 0).ToList())
        {
            await index.DeleteDocumentAsync(Collection, "doc-" + id, CancellationToken.None);
            live.Remove(id);
        }

        Assert.Equal(live.Count, index.Count(Collection));
        for (var q = 0; q < 5; q++)
        {
            var query = q == 0 ? live.Values.Last() : Random(random);
            await AssertBruteForceAsync(index, live, query);
        }
    }

    [Fact]
    public async Task A_saved_collection_comes_back_after_a_restart_with_the_same_results()
    {
        var random = new Random(8);
        var vectors = Enumerable.Range(0, 300).ToDictionary(i => $"chunk{i:D4}", _ => Random(random), StringComparer.Ordinal);
        var queries = Enumerable.Range(0, 5).Select(_ => Random(random)).ToList();
        List<IReadOnlyList<ScoredChunk>> before;
        using (var index = new ExactVectorIndex(new ExactVectorIndexOptions(_directory) { RowsPerSegment = 128 }))
        {
            await index.UpsertAsync(vectors.Select(v => Embedded(v.Key, v.Value)).ToList(), CancellationToken.None);
            before = [.. await Task.WhenAll(queries.Select(q => index.SearchAsync(Collection, q, 10, CancellationToken.None)))];
            index.SaveSnapshots(new Dictionary<string, long> { [Collection] = 5 });
        }

        using var reopened = new ExactVectorIndex(new ExactVectorIndexOptions(_directory) { RowsPerSegment = 128 });
        var restored = reopened.Restore(new Dictionary<string, long> { [Collection] = 5 });
        reopened.Bind(vectors.Keys.Select(id => Chunk(id)).ToList());

        Assert.Equal([Collection], restored);
        Assert.Equal(0, reopened.CompleteRestore());
        Assert.Equal(300, reopened.Count(Collection));
        for (var q = 0; q < queries.Count; q++)
        {
            var after = await reopened.SearchAsync(Collection, queries[q], 10, CancellationToken.None);
            Assert.Equal(before[q].Select(r => (r.Chunk.Id, r.Score)), after.Select(r => (r.Chunk.Id, r.Score)));
            Assert.All(after, r => Assert.Equal("text of " + r.Chunk.Id, r.Chunk.Text)); // the bound chunk, not a stand-in
        }
        await AssertBruteForceAsync(reopened, vectors, queries[0]);
    }

    [Fact]
    public async Task A_snapshot_of_another_generation_or_one_followed_by_changes_is_not_restored()
    {
        var random = new Random(9);
        using (var index = new ExactVectorIndex(new ExactVectorIndexOptions(_directory)))
        {
            await index.UpsertAsync([Embedded("a", Random(random)), Embedded("b", Random(random))], CancellationToken.None);
            index.SaveSnapshots(new Dictionary<string, long> { [Collection] = 3 });
        }
        using (var index = new ExactVectorIndex(new ExactVectorIndexOptions(_directory)))
        {
            // The store moved on (generation 4): the collection is rebuilt from it, and the stale files go.
            Assert.Empty(index.Restore(new Dictionary<string, long> { [Collection] = 4 }));
            Assert.Equal(0, index.Count(Collection));
            Assert.Empty(Directory.EnumerateDirectories(_directory));

            await index.UpsertAsync([Embedded("a", Random(random))], CancellationToken.None);
            index.SaveSnapshots(new Dictionary<string, long> { [Collection] = 4 });
            // A change after the snapshot, then a crash (no save): the snapshot must not describe the changed files.
            await index.UpsertAsync([Embedded("b", Random(random))], CancellationToken.None);
        }
        using var reopened = new ExactVectorIndex(new ExactVectorIndexOptions(_directory));
        Assert.Empty(reopened.Restore(new Dictionary<string, long> { [Collection] = 4 }));
    }

    [Fact]
    public async Task Restored_rows_whose_chunks_are_gone_from_the_store_are_dropped()
    {
        var random = new Random(10);
        var vectors = Enumerable.Range(0, 50).ToDictionary(i => $"chunk{i:D4}", _ => Random(random), StringComparer.Ordinal);
        using (var index = new ExactVectorIndex(new ExactVectorIndexOptions(_directory) { RowsPerSegment = 16 }))
        {
            await index.UpsertAsync(vectors.Select(v => Embedded(v.Key, v.Value)).ToList(), CancellationToken.None);
            index.SaveSnapshots(new Dictionary<string, long> { [Collection] = 1 });
        }
        using var reopened = new ExactVectorIndex(new ExactVectorIndexOptions(_directory) { RowsPerSegment = 16 });
        reopened.Restore(new Dictionary<string, long> { [Collection] = 1 });
        var kept = vectors.Where((_, i) => i % 2 == 0).ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        reopened.Bind(kept.Keys.Select(id => Chunk(id)).ToList());

        Assert.Equal(25, reopened.CompleteRestore());
        Assert.Equal(25, reopened.Count(Collection));
        await AssertBruteForceAsync(reopened, kept, vectors.Values.ElementAt(1)); // a dropped chunk's own vector
    }

    [Fact]
    public async Task A_second_index_on_a_directory_in_use_keeps_its_rows_in_temporary_files()
    {
        using var first = new ExactVectorIndex(new ExactVectorIndexOptions(_directory));
        using var second = new ExactVectorIndex(new ExactVectorIndexOptions(_directory));
        await second.UpsertAsync([Embedded("a", [1, 0]), Embedded("b", [0, 1])], CancellationToken.None);

        Assert.Equal(Path.GetFullPath(_directory), first.StorageDirectory);
        Assert.Null(second.StorageDirectory);
        Assert.Equal("b", (await second.SearchAsync(Collection, new float[] { 0, 2 }, 1, CancellationToken.None))[0].Chunk.Id);
        Assert.Empty(Directory.EnumerateDirectories(_directory));
    }

    private static async Task AssertBruteForceAsync(ExactVectorIndex index, IReadOnlyDictionary<string, float[]> live, float[] query)
    {
        var unitQuery = Unit(query);
        var expected = live
            .Select(e => (Id: e.Key, Score: (double)TensorPrimitives.Dot(Unit(e.Value), unitQuery)))
            .OrderByDescending(e => e.Score).ThenBy(e => e.Id, StringComparer.Ordinal)
            .Take(10).ToList();
        var actual = await index.SearchAsync(Collection, query, 10, CancellationToken.None);
        Assert.Equal(expected, actual.Select(r => (r.Chunk.Id, r.Score)));
    }

    private static Chunk Chunk(string id) => TestChunks.Make(id, "text of " + id, Collection);

    private static EmbeddedChunk Embedded(string id, float[] vector) => new(Chunk(id), vector);

    private static float[] Random(Random random) => Enumerable.Range(0, Dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static float[] Unit(float[] vector)
    {
        var unit = new float[vector.Length];
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0) TensorPrimitives.Divide(vector, norm, unit);
        return unit;
    }
}
