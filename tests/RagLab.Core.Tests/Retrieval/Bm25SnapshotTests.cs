using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Core.Tests.Evaluation.Fakes;

namespace RagLab.Core.Tests.Retrieval;

/// <summary><see cref="Bm25Index"/>'s per-collection snapshots: what comes back must rank exactly as what was saved, and nothing stale or torn may come back.</summary>
public sealed class Bm25SnapshotTests : IDisposable
{
    private const string Collection = "c";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raglab-bm25-" + Guid.NewGuid().ToString("n"));
    private readonly FakeDocumentStore _store = new();

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private Bm25Index Open() => new(_store, EnglishAnalyzer.Instance, new Bm25Options(), _directory);

    private string SnapshotPath => Path.Combine(_directory, Collection, "postings.snapshot");

    private static Dictionary<string, long> Generation(long generation) => new() { [Collection] = generation };

    private static List<Chunk> Corpus(int count, int seed, string idPrefix)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var text = string.Join(' ', Enumerable.Range(0, 1 + random.Next(60)).Select(_ => Word(random)));
            return TestChunks.Make($"{idPrefix}{random.Next(1_000_000):D6}-{i}", text, Collection, documentId: $"doc{i / 4}");
        }).ToList();
    }

    private static string Word(Random random) => $"w{(int)Math.Pow(1500, random.NextDouble()) - 1}x";

    private static List<string> Queries(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => string.Join(' ', Enumerable.Range(0, 1 + random.Next(6)).Select(_ => Word(random)))).ToList();
    }

    private static void AssertSameRankings(Bm25Index expected, Bm25Index actual, IEnumerable<string> queries)
    {
        foreach (var query in queries)
        {
            var before = expected.Search(Collection, query, 100, CancellationToken.None);
            var after = actual.Search(Collection, query, 100, CancellationToken.None);
            Assert.True(before.SequenceEqual(after), $"query '{query}': expected [{string.Join(", ", before.Take(3))}…], got [{string.Join(", ", after.Take(3))}…]");
        }
    }

    [Fact]
    public async Task A_restored_collection_ranks_exactly_as_the_saved_one_and_keeps_changing_like_it()
    {
        var chunks = Corpus(4000, seed: 21, idPrefix: "k");
        using var original = Open();
        foreach (var batch in chunks.Chunk(900)) await original.AddAsync(batch, CancellationToken.None);
        // Dead slots (deleted documents, replaced chunk ids) are saved as they are, not compacted away.
        foreach (var d in Enumerable.Range(0, 1000).Where(d => d % 9 == 0)) await original.DeleteDocumentAsync(Collection, $"doc{d}", CancellationToken.None);
        var replacements = Corpus(150, seed: 22, idPrefix: "r").Select((c, i) => c with { Id = chunks[i * 11 + 3].Id, DocumentId = chunks[i * 11 + 3].DocumentId }).ToList();
        await original.AddAsync(replacements, CancellationToken.None);
        original.SaveSnapshots(Generation(7));
        var liveDocuments = chunks.Select(c => c.DocumentId).Where(d => int.Parse(d[3..]) % 9 != 0)
            .Union(replacements.Select(c => c.DocumentId)).Order().ToList();

        original.Dispose(); // releases the directory, as the previous process does when it exits (it still answers from memory)
        using var reopened = Open();

        Assert.Equal([Collection], reopened.Restore(Generation(7)));
        Assert.Equal(original.Count(Collection), reopened.Count(Collection));
        Assert.Equal(liveDocuments, reopened.RestoredContents(Collection).DocumentIds.Order());
        AssertSameRankings(original, reopened, Queries(250, seed: 23));

        // The same later writes on both: the restored index holds everything the original did (slots, dead postings, lengths).
        var later = Corpus(300, seed: 24, idPrefix: "n");
        foreach (var index in new[] { original, reopened })
        {
            await index.AddAsync(later, CancellationToken.None);
            foreach (var d in Enumerable.Range(0, 1000).Where(d => d % 7 == 1)) await index.DeleteDocumentAsync(Collection, $"doc{d}", CancellationToken.None);
        }
        AssertSameRankings(original, reopened, Queries(250, seed: 25));
    }

    [Fact]
    public async Task A_snapshot_of_another_generation_is_not_restored_and_its_file_goes()
    {
        using (var index = Open())
        {
            await index.AddAsync(Corpus(50, seed: 1, idPrefix: "k"), CancellationToken.None);
            index.SaveSnapshots(Generation(3));
        }
        using var reopened = Open();

        Assert.Empty(reopened.Restore(Generation(4)));
        Assert.Equal(0, reopened.Count(Collection));
        Assert.False(File.Exists(SnapshotPath));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public async Task A_torn_snapshot_is_not_restored(double keptShare)
    {
        using (var index = Open())
        {
            await index.AddAsync(Corpus(400, seed: 2, idPrefix: "k"), CancellationToken.None);
            index.SaveSnapshots(Generation(5));
        }
        var bytes = await File.ReadAllBytesAsync(SnapshotPath);
        await File.WriteAllBytesAsync(SnapshotPath, bytes[..(int)(bytes.Length * keptShare)]);
        using var reopened = Open();

        Assert.Empty(reopened.Restore(Generation(5)));
        Assert.Equal(0, reopened.Count(Collection));
    }

    [Fact]
    public async Task A_write_after_the_snapshot_deletes_it_so_a_crash_cannot_bring_back_the_older_index()
    {
        var chunks = Corpus(200, seed: 3, idPrefix: "k");
        using (var index = Open())
        {
            await index.AddAsync(chunks[..100], CancellationToken.None);
            index.SaveSnapshots(Generation(4));
            await index.DeleteDocumentAsync(Collection, "not-indexed", CancellationToken.None); // changes nothing: the snapshot stays
            Assert.True(File.Exists(SnapshotPath));

            await index.AddAsync(chunks[100..], CancellationToken.None);
            Assert.False(File.Exists(SnapshotPath));
        } // no save: a crash
        using (var reopened = Open()) Assert.Empty(reopened.Restore(Generation(4)));

        using (var index = Open())
        {
            await index.AddAsync(chunks, CancellationToken.None);
            index.SaveSnapshots(Generation(4));
            await index.DeleteDocumentAsync(Collection, chunks[0].DocumentId, CancellationToken.None);
            Assert.False(File.Exists(SnapshotPath));
        }
    }

    [Fact]
    public async Task An_empty_collection_is_saved_so_a_restart_knows_it_is_empty()
    {
        using (var index = Open()) index.SaveSnapshots(Generation(2));
        using var reopened = Open();

        Assert.Equal([Collection], reopened.Restore(Generation(2)));
        Assert.Empty(reopened.RestoredContents(Collection).DocumentIds);
        Assert.Empty(await reopened.SearchAsync(Collection, "anything", 10, CancellationToken.None));
        await reopened.AddAsync(Corpus(5, seed: 4, idPrefix: "k"), CancellationToken.None);
        Assert.Equal(5, reopened.Count(Collection));
    }

    [Fact]
    public void A_second_index_on_a_directory_in_use_keeps_no_snapshots()
    {
        using var first = Open();
        using var second = Open();

        Assert.Equal(Path.GetFullPath(_directory), first.SnapshotDirectory);
        Assert.Null(second.SnapshotDirectory);
        second.SaveSnapshots(Generation(1));
        Assert.False(File.Exists(SnapshotPath));
    }
}
