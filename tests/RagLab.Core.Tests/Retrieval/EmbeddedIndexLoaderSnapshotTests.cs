using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Ingestion;
using RagLab.Core.Retrieval;
using RagLab.Infrastructure.Storage;
using RagLab.Infrastructure.Indexing;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Retrieval;

/// <summary>A restart of the embedded lab over a SQLite data directory, with the dense index's snapshots.</summary>
public sealed class EmbeddedIndexLoaderSnapshotTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raglab-restart-" + Guid.NewGuid().ToString("n"));
    private readonly SqlDocumentStore _store;

    public EmbeddedIndexLoaderSnapshotTests() => _store = new SqlDocumentStore(new SqliteDatabase(Path.Combine(_directory, "raglab.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_restart_restores_unchanged_collections_and_reloads_what_another_process_changed()
    {
        var random = new Random(4);
        foreach (var collection in new[] { "kept", "changed" })
        {
            for (var d = 0; d < 3; d++) await WriteDocumentAsync(collection, $"doc{d}", random);
            await _store.BumpGenerationAsync(collection, CancellationToken.None);
        }
        var queries = Enumerable.Range(0, 4).Select(_ => Vector(random)).ToList();

        IReadOnlyList<ScoredChunk>[] before;
        await using (var lab = await StartAsync())
        {
            before = await Task.WhenAll(queries.Select(q => lab.Index.SearchAsync("kept", q, 5, CancellationToken.None)));
            Assert.Contains("vectors of 0 of 2 collections from their snapshot", lab.Log.Single());
        }
        // While the lab is down, the CLI deletes a document of one collection.
        var deleted = DocumentIds.ForDocument("changed", "doc1.txt");
        await _store.DeleteAsync(deleted, CancellationToken.None);
        await _store.BumpGenerationAsync("changed", CancellationToken.None);

        await using (var lab = await StartAsync())
        {
            Assert.Contains("vectors of 1 of 2 collections from their snapshot", lab.Log.Single());
            for (var q = 0; q < queries.Count; q++)
            {
                var after = await lab.Index.SearchAsync("kept", queries[q], 5, CancellationToken.None);
                Assert.Equal(before[q].Select(r => (r.Chunk, r.Score)), after.Select(r => (r.Chunk, r.Score))); // the stored chunks, text and all
            }
            Assert.Equal(8, lab.Index.Count("changed"));
            var hits = await lab.Index.SearchAsync("changed", queries[0], 10, CancellationToken.None);
            Assert.DoesNotContain(hits, h => h.Chunk.DocumentId == deleted);
        }
    }

    private async Task WriteDocumentAsync(string collection, string name, Random random)
    {
        var document = new DocumentRecord(DocumentIds.ForDocument(collection, name + ".txt"), collection, name + ".txt", DocumentStatus.Ready, 4, 100,
            new string('a', 64), DateTimeOffset.UnixEpoch);
        var chunks = Enumerable.Range(0, 4).Select(p => $"{name} part {p} in {collection}")
            .Select((text, p) => new Chunk(DocumentIds.ForChunk(document.Id, p, text), document.Id, document.Name, collection, p, "", text, 0, text.Length)).ToList();
        await _store.ReplaceContentAsync(document, string.Join(" ", chunks.Select(c => c.Text)), chunks,
            chunks.ToDictionary(c => c.Id, _ => Vector(random)), CancellationToken.None);
    }

    private static float[] Vector(Random random) => Enumerable.Range(0, 16).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private async Task<Lab> StartAsync()
    {
        var index = new ExactVectorIndex(new ExactVectorIndexOptions(Path.Combine(_directory, "vectors")));
        var log = new ListLogger();
        var loader = new EmbeddedIndexLoader(_store, new ChunkIndexWriter(new Bm25Index(_store), index), Options.Create(new RagLabOptions()), log, index);
        await loader.StartAsync(CancellationToken.None);
        return new Lab(index, loader, log.Messages);
    }

    private sealed record Lab(ExactVectorIndex Index, EmbeddedIndexLoader Loader, List<string> Log) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Loader.StopAsync(CancellationToken.None); // saves the snapshots, as a graceful shutdown does
            Index.Dispose();
        }
    }

    private sealed class ListLogger : ILogger<EmbeddedIndexLoader>
    {
        public List<string> Messages { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Messages) Messages.Add(formatter(state, exception));
        }
    }
}
