using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Ingestion;
using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Infrastructure.Indexing;
using RagLab.Infrastructure.Storage;

namespace RagLab.Core.Tests.Retrieval;

/// <summary>
/// Restarts of the embedded lab as it is registered: BM25 and the dense index both keep snapshots in the data directory
/// and read their top K back from the SQLite store. A collection whose generation did not move comes back without one
/// chunk read from the store; anything stale or torn is read from the store instead.
/// </summary>
public sealed class IndexSnapshotRestartTests : IDisposable
{
    private static readonly string[] Collections = ["alpha", "beta"];
    private const int DocumentsPerCollection = 6;
    private const int ChunksPerDocument = 5;
    private const int ChunksPerCollection = DocumentsPerCollection * ChunksPerDocument;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raglab-snapshots-" + Guid.NewGuid().ToString("n"));
    private readonly SqlDocumentStore _store;
    private readonly Random _random = new(17);

    public IndexSnapshotRestartTests() => _store = new SqlDocumentStore(new SqliteDatabase(Path.Combine(_directory, "raglab.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_restart_restores_both_indexes_without_reading_a_chunk_and_ranks_as_before()
    {
        await FillAsync();
        Rankings before;
        await using (var lab = await StartAsync())
        {
            Assert.Equal(2, lab.Store.Reads); // the first start reads each collection once, chunks with their vectors
            Assert.Equal(2 * ChunksPerCollection, lab.Store.ChunksRead);
            before = await lab.RankAsync();
        }

        await using (var lab = await StartAsync())
        {
            Assert.Equal(0, lab.Store.Reads);
            Assert.Contains("BM25 of 2 and vectors of 2 of 2 collections from their snapshots", lab.Log.Single());
            (await lab.RankAsync()).AssertSameAs(before);
            // The loader's record of what is indexed came back too: every document, in its collection.
            var expected = (await _store.ListAsync(null, CancellationToken.None)).ToDictionary(d => d.Id, d => d.Collection);
            Assert.Equal(expected.OrderBy(e => e.Key), lab.Writer.IndexedDocuments.Select(d => KeyValuePair.Create(d.Key, d.Value.Collection)).OrderBy(e => e.Key));
        }
    }

    [Fact]
    public async Task After_a_restart_from_snapshots_a_change_made_elsewhere_reloads_only_that_document()
    {
        await FillAsync();
        await using (await StartAsync()) { }

        await using var lab = await StartAsync();
        // Another process (the CLI, a Worker) rewrites one document after the snapshots were saved.
        var changed = await WriteDocumentAsync("alpha", "doc2", ["rewritten zebra text", "more zebra words", "zebra", "a zebra again", "last zebra"],
            DateTimeOffset.UtcNow.AddSeconds(1));
        await _store.BumpGenerationAsync("alpha", CancellationToken.None);

        await lab.Loader.SyncAsync(CancellationToken.None);

        Assert.Contains("Collection alpha changed elsewhere: 0 documents removed, 1 loaded (5 chunks)", lab.Log);
        var hits = await lab.Lexical.SearchAsync("alpha", "zebra", 10, CancellationToken.None);
        Assert.Equal(5, hits.Count);
        Assert.All(hits, h => Assert.Equal(changed, h.Chunk.DocumentId));
        // The dense index dropped the old chunks of the document and holds the new ones: exactly the store's chunks.
        var stored = new List<string>();
        await foreach (var chunk in _store.ReadAllChunksWithoutEmbeddingsAsync("alpha", CancellationToken.None)) stored.Add(chunk.Id);
        var dense = await lab.Vectors.SearchAsync("alpha", Vector(), 100, CancellationToken.None);
        Assert.Equal(stored.Order(), dense.Select(h => h.Chunk.Id).Order());
    }

    [Fact]
    public async Task A_torn_snapshot_is_read_from_the_store_instead_and_ranks_as_before()
    {
        await FillAsync();
        Rankings before;
        await using (var lab = await StartAsync()) before = await lab.RankAsync();
        Truncate(Path.Combine(_directory, "bm25", "alpha", "postings.snapshot"));
        Truncate(Path.Combine(_directory, "vectors", "beta", "rows.snapshot"));

        await using var restarted = await StartAsync();

        Assert.Contains("BM25 of 1 and vectors of 1 of 2 collections from their snapshots", restarted.Log.Single());
        Assert.Equal(2, restarted.Store.Reads); // alpha's chunks for BM25, beta's vectors for the dense index
        Assert.Equal(2 * ChunksPerCollection, restarted.Store.ChunksRead);
        (await restarted.RankAsync()).AssertSameAs(before);

        static void Truncate(string path)
        {
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes[..(bytes.Length * 2 / 3)]);
        }
    }

    [Fact]
    public async Task A_collection_changed_while_the_lab_was_down_is_read_from_the_store()
    {
        await FillAsync();
        Rankings before;
        await using (var lab = await StartAsync()) before = await lab.RankAsync();
        var deleted = DocumentIds.ForDocument("beta", "doc3.txt");
        await _store.DeleteAsync(deleted, CancellationToken.None);
        await _store.BumpGenerationAsync("beta", CancellationToken.None);

        await using var restarted = await StartAsync();

        Assert.Contains("BM25 of 1 and vectors of 1 of 2 collections from their snapshots", restarted.Log.Single());
        Assert.Equal(ChunksPerCollection - ChunksPerDocument, restarted.Store.ChunksRead);
        var after = await restarted.RankAsync();
        after.AssertSameAs(before, "alpha");
        Assert.Equal(ChunksPerCollection - ChunksPerDocument, restarted.Lexical.Count("beta"));
        Assert.Equal(ChunksPerCollection - ChunksPerDocument, restarted.Vectors.Count("beta"));
        Assert.DoesNotContain(after.Lexical["beta"].SelectMany(r => r), h => h.Chunk.DocumentId == deleted);
        Assert.DoesNotContain(after.Dense["beta"].SelectMany(r => r), h => h.Chunk.DocumentId == deleted);
    }

    [Fact]
    public async Task A_write_after_the_snapshots_invalidates_them_so_a_crash_reads_the_store()
    {
        await FillAsync();
        await using (await StartAsync()) { }
        var lexical = NewLexical(_store);
        var vectors = NewVectors(_store);
        var generations = new Dictionary<string, long>();
        foreach (var collection in Collections) generations[collection] = await _store.GetGenerationAsync(collection, CancellationToken.None);
        Assert.Equal(2, lexical.Restore(generations).Count);
        Assert.Equal(2, vectors.Restore(generations).Count);

        // A document reaches the indexes (ingestion stores it first, still "indexing"), then the process dies before it is ready.
        var chunk = new Chunk("orphan", "orphan-doc", "orphan.txt", "alpha", 0, "", "unfinished quokka", 0, 17);
        await new ChunkIndexWriter(lexical, vectors).AddAsync([chunk], new Dictionary<string, float[]> { ["orphan"] = Vector() }, CancellationToken.None);
        lexical.Dispose();
        vectors.Dispose();

        await using var restarted = await StartAsync();

        Assert.Contains("BM25 of 1 and vectors of 1 of 2 collections from their snapshots", restarted.Log.Single());
        Assert.Empty(await restarted.Lexical.SearchAsync("alpha", "quokka", 10, CancellationToken.None));
        Assert.Equal(ChunksPerCollection, restarted.Vectors.Count("alpha"));
    }

    [Fact]
    public async Task The_dense_index_reads_its_top_k_from_the_store_and_leaves_out_chunks_deleted_meanwhile()
    {
        await FillAsync();
        var embedded = new List<EmbeddedChunk>();
        await foreach (var (chunk, embedding) in _store.ReadAllChunksAsync("alpha", CancellationToken.None)) embedded.Add(new EmbeddedChunk(chunk, embedding));
        using var stored = NewVectors(_store);
        using var held = new ExactVectorIndex(); // keeps the chunks it is given: the ranking as it was before
        await stored.UpsertAsync(embedded, CancellationToken.None);
        await held.UpsertAsync(embedded, CancellationToken.None);
        var query = Vector();

        var expected = await held.SearchAsync("alpha", query, 12, CancellationToken.None);
        Assert.Equal(expected, await stored.SearchAsync("alpha", query, 12, CancellationToken.None)); // chunks, text and all, and scores

        var deleted = expected[1].Chunk.DocumentId;
        await _store.DeleteAsync(deleted, CancellationToken.None);
        Assert.Equal(expected.Where(r => r.Chunk.DocumentId != deleted), await stored.SearchAsync("alpha", query, 12, CancellationToken.None));
    }

    private async Task FillAsync()
    {
        var vocabulary = Enumerable.Range(0, 40).Select(i => $"term{i}").ToArray();
        foreach (var collection in Collections)
        {
            for (var d = 0; d < DocumentsPerCollection; d++)
            {
                var texts = Enumerable.Range(0, ChunksPerDocument)
                    .Select(_ => string.Join(' ', Enumerable.Range(0, 4 + _random.Next(20)).Select(_ => vocabulary[(int)Math.Pow(vocabulary.Length, _random.NextDouble()) - 1])))
                    .ToList();
                await WriteDocumentAsync(collection, $"doc{d}", texts, DateTimeOffset.UtcNow.AddMinutes(-10));
            }
            await _store.BumpGenerationAsync(collection, CancellationToken.None);
        }
    }

    private async Task<string> WriteDocumentAsync(string collection, string name, IReadOnlyList<string> texts, DateTimeOffset updatedAt)
    {
        var document = new DocumentRecord(DocumentIds.ForDocument(collection, name + ".txt"), collection, name + ".txt", DocumentStatus.Ready, texts.Count, 100,
            new string('a', 64), updatedAt);
        var chunks = texts.Select((text, p) => new Chunk(DocumentIds.ForChunk(document.Id, p, text), document.Id, document.Name, collection, p, "", text, 0, text.Length)).ToList();
        await _store.ReplaceContentAsync(document, string.Join(" ", texts), chunks, chunks.ToDictionary(c => c.Id, _ => Vector()), CancellationToken.None);
        return document.Id;
    }

    private float[] Vector() => Enumerable.Range(0, 16).Select(_ => (float)(_random.NextDouble() * 2 - 1)).ToArray();

    private Bm25Index NewLexical(IDocumentStore store) => new(store, EnglishAnalyzer.Instance, new Bm25Options(), Path.Combine(_directory, "bm25"));

    private ExactVectorIndex NewVectors(IDocumentStore store) => new(new ExactVectorIndexOptions(Path.Combine(_directory, "vectors")), store);

    private async Task<Lab> StartAsync()
    {
        var store = new ChunkReadCountingStore(_store);
        var lexical = NewLexical(store);
        var vectors = NewVectors(store);
        var writer = new ChunkIndexWriter(lexical, vectors);
        var log = new ListLogger();
        var loader = new EmbeddedIndexLoader(store, writer, Options.Create(new RagLabOptions()), log, vectors, lexical);
        await loader.StartAsync(CancellationToken.None);
        return new Lab(store, lexical, vectors, writer, loader, log.Messages);
    }

    private sealed record Lab(ChunkReadCountingStore Store, Bm25Index Lexical, ExactVectorIndex Vectors, ChunkIndexWriter Writer, EmbeddedIndexLoader Loader,
        List<string> Log) : IAsyncDisposable
    {
        /// <summary>The same BM25 and dense queries every time (a seeded generator).</summary>
        public async Task<Rankings> RankAsync()
        {
            var lexical = new Dictionary<string, List<IReadOnlyList<ScoredChunk>>>();
            var dense = new Dictionary<string, List<IReadOnlyList<ScoredChunk>>>();
            var random = new Random(5);
            foreach (var collection in Collections)
            {
                lexical[collection] = [];
                dense[collection] = [];
                for (var q = 0; q < 8; q++)
                {
                    lexical[collection].Add(await Lexical.SearchAsync(collection, $"term{random.Next(12)} term{random.Next(40)} term{random.Next(3)}", 10, CancellationToken.None));
                    var vector = Enumerable.Range(0, 16).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                    dense[collection].Add(await Vectors.SearchAsync(collection, vector, 10, CancellationToken.None));
                }
            }
            return new Rankings(lexical, dense);
        }

        public async ValueTask DisposeAsync()
        {
            await Loader.StopAsync(CancellationToken.None); // saves the snapshots, as a graceful shutdown does
            Loader.Dispose();
            Lexical.Dispose();
            Vectors.Dispose();
        }
    }

    private sealed record Rankings(Dictionary<string, List<IReadOnlyList<ScoredChunk>>> Lexical, Dictionary<string, List<IReadOnlyList<ScoredChunk>>> Dense)
    {
        /// <summary>The same chunks (text and all), scores and order, query by query, for BM25 and dense.</summary>
        public void AssertSameAs(Rankings expected, params string[] collections)
        {
            foreach (var collection in collections.Length > 0 ? collections : Collections)
            {
                for (var q = 0; q < expected.Lexical[collection].Count; q++)
                {
                    Assert.NotEmpty(expected.Lexical[collection][q]);
                    Assert.Equal(expected.Lexical[collection][q], Lexical[collection][q]);
                    Assert.Equal(expected.Dense[collection][q], Dense[collection][q]);
                }
            }
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
