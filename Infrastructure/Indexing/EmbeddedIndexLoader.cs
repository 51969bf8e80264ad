using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Ingestion;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Indexing;

/// <summary>
/// Keeps the in-process indexes equal to the document store. At start it loads them, so a restart loses nothing
/// (readiness waits for it: <see cref="IsLoaded"/>). Then it follows each collection's generation, so documents that
/// another process indexed or deleted in the same data directory (the CLI, a Worker) appear here within seconds.
/// Indexes with snapshots (<see cref="IIndexSnapshots"/>: BM25 postings, dense rows) get back every collection whose
/// generation did not move since its snapshot; a collection both indexes restored reads nothing from the store, and one
/// only one of them restored reads its chunks for the other alone. Snapshots are saved once loaded and at shutdown.
/// A caller that must see the store's latest state (an ask, a search) catches up at once (<see cref="CatchUpAsync"/>)
/// instead of waiting for the next sync.
/// </summary>
public sealed class EmbeddedIndexLoader(
    IDocumentStore documents,
    ChunkIndexWriter indexes,
    IOptions<RagLabOptions> options,
    ILogger<EmbeddedIndexLoader> logger,
    IVectorIndex? vectors = null,
    ILexicalIndex? lexical = null) : BackgroundService, IIndexSync
{
    private const int BatchSize = 2048;
    private readonly Dictionary<string, long> _seenGenerations = new(StringComparer.Ordinal);
    // One reconciliation at a time: the background sync and callers catching up share the indexes and _seenGenerations.
    private readonly SemaphoreSlim _syncLock = new(1, 1);
    private readonly IIndexSnapshots? _vectorSnapshots = vectors as IIndexSnapshots;
    private readonly IIndexSnapshots? _lexicalSnapshots = lexical as IIndexSnapshots;

    public bool IsLoaded { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await _syncLock.WaitAsync(cancellationToken);
        try { await LoadAllAsync(cancellationToken); }
        finally { _syncLock.Release(); }
        await base.StartAsync(cancellationToken);
    }

    private async Task LoadAllAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // Generations first: anything that changes during the load is reconciled by the first sync.
        foreach (var collection in await documents.ListCollectionsAsync(cancellationToken))
        {
            var generation = await documents.GetGenerationAsync(collection, cancellationToken);
            lock (_seenGenerations) _seenGenerations[collection] = generation;
        }
        var loading = SeenGenerations();
        // The two restores are independent reads of their own files: one per core.
        var lexicalRestoring = Task.Run(() => Restore(_lexicalSnapshots, loading), cancellationToken);
        var vectorsRestored = Restore(_vectorSnapshots, loading);
        var lexicalRestored = await lexicalRestoring;
        var total = 0;
        foreach (var collection in loading.Keys)
            total += await LoadAsync(collection, _ => true, cancellationToken, lexicalRestored.Contains(collection), vectorsRestored.Contains(collection));
        _lexicalSnapshots?.CompleteRestore();
        _vectorSnapshots?.CompleteRestore();
        IsLoaded = true;
        logger.LogInformation("Loaded the in-process indexes in {Elapsed:0} ms, reading {Chunks} chunks from the database " +
                              "(BM25 of {LexicalRestored} and vectors of {VectorsRestored} of {Collections} collections from their snapshots)",
            Stopwatch.GetElapsedTime(started).TotalMilliseconds, total, lexicalRestored.Count, vectorsRestored.Count, loading.Count);
    }

    /// <summary>Restores what <paramref name="snapshots"/> can, and records its documents as indexed when the snapshot was saved.</summary>
    private IReadOnlySet<string> Restore(IIndexSnapshots? snapshots, IReadOnlyDictionary<string, long> generations)
    {
        if (snapshots is null) return new HashSet<string>();
        var restored = snapshots.Restore(generations);
        foreach (var collection in restored)
        {
            var contents = snapshots.RestoredContents(collection);
            indexes.RestoreIndexed(collection, contents.DocumentIds, contents.SavedAt);
        }
        return restored;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if ((_lexicalSnapshots ?? _vectorSnapshots) is null || !IsLoaded) return;
        try
        {
            // Catch up with the store first, so the generations saved are ones the indexes reflect.
            await SyncAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out: an index cut off mid-way must not be saved under the generation it had.
            logger.LogWarning("The stop left no time to compare the in-process indexes with the database; their snapshots are not saved this time");
            return;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not compare the in-process indexes with the database before saving their snapshots; the next start reads them from the database");
            return;
        }
        SaveSnapshots();
    }

    /// <summary>Saves both indexes' snapshots as of the generations seen; a failure costs only a slower next start.</summary>
    private void SaveSnapshots()
    {
        var generations = SeenGenerations();
        foreach (var (snapshots, what) in new[] { (_lexicalSnapshots, "BM25"), (_vectorSnapshots, "vector") })
        {
            try { snapshots?.SaveSnapshots(generations); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(ex, "Could not save the {Index} index snapshot; the next start reads it from the database", what);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: a crash before the next graceful stop still restarts from these snapshots.
        await Task.Yield();
        SaveSnapshots();
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.IndexSyncInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (stoppingToken.IsCancellationRequested) return;
            try
            {
                await SyncAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not compare the in-process indexes with the database; retrying");
            }
        }
    }

    /// <summary>Reconciles every collection whose generation moved since it was last seen.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        var collections = (await documents.ListCollectionsAsync(cancellationToken))
            .Concat(indexes.IndexedDocuments.Values.Select(d => d.Collection)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var collection in collections) await CatchUpAsync(collection, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> CatchUpAsync(string collection, CancellationToken cancellationToken)
    {
        // The generation is read before reconciling: a write landing meanwhile moves it again, so the next call catches that too.
        var generation = await documents.GetGenerationAsync(collection, cancellationToken);
        if (IsCurrent(collection, generation)) return generation;
        await _syncLock.WaitAsync(cancellationToken);
        try
        {
            generation = await documents.GetGenerationAsync(collection, cancellationToken);
            if (IsCurrent(collection, generation)) return generation;
            await ReconcileAsync(collection, cancellationToken);
            lock (_seenGenerations) _seenGenerations[collection] = generation;
            return generation;
        }
        finally
        {
            _syncLock.Release();
        }
    }

    private Dictionary<string, long> SeenGenerations()
    {
        lock (_seenGenerations) return new Dictionary<string, long>(_seenGenerations, StringComparer.Ordinal);
    }

    private bool IsCurrent(string collection, long generation)
    {
        lock (_seenGenerations) return _seenGenerations.TryGetValue(collection, out var seen) && seen == generation;
    }

    private async Task ReconcileAsync(string collection, CancellationToken cancellationToken)
    {
        // What was indexed is read before the store, so that a batch this process commits meanwhile (indexed, then marked
        // ready) is never mistaken for a document the store no longer holds as ready.
        var indexedBefore = IndexedIn(collection);
        var stored = await documents.ListAsync(collection, cancellationToken);
        var ready = stored.Where(d => d.Status == DocumentStatus.Ready).ToDictionary(d => d.Id);
        // Indexing, and indexed here since: this process's own commit, between its index write and its ready mark.
        var committing = stored.Where(d => d.Status == DocumentStatus.Indexing).ToDictionary(d => d.Id, d => d.UpdatedAt);

        var removed = indexedBefore.Where(d => !ready.ContainsKey(d.Key) && !(committing.TryGetValue(d.Key, out var since) && d.Value >= since))
            .Select(d => d.Key).ToList();
        foreach (var id in removed) await indexes.RemoveDocumentAsync(collection, id, cancellationToken);

        // Indexed here after the store last changed it means this process wrote it; anything else came from elsewhere.
        // Read again now: a document committed since the store was read is current, not stale.
        var indexed = IndexedIn(collection);
        var stale = ready.Values.Where(d => !indexed.TryGetValue(d.Id, out var at) || at < d.UpdatedAt).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in stale) await indexes.RemoveDocumentAsync(collection, id, cancellationToken);
        var loaded = stale.Count == 0 ? 0 : await LoadAsync(collection, chunk => stale.Contains(chunk.DocumentId), cancellationToken);

        if (removed.Count + stale.Count > 0)
            logger.LogInformation("Collection {Collection} changed elsewhere: {Removed} documents removed, {Updated} loaded ({Chunks} chunks)",
                collection, removed.Count, stale.Count, loaded);
    }

    private Dictionary<string, DateTimeOffset> IndexedIn(string collection) =>
        indexes.IndexedDocuments.Where(d => d.Value.Collection == collection).ToDictionary(d => d.Key, d => d.Value.IndexedAt, StringComparer.Ordinal);

    /// <summary>
    /// Reads a collection's chunks (those <paramref name="include"/> keeps) into the indexes that did not restore it:
    /// nothing when both did, chunks without embeddings when the vectors came back, and so on. Returns the chunks read.
    /// </summary>
    private async Task<int> LoadAsync(string? collection, Func<Chunk, bool> include, CancellationToken cancellationToken,
        bool lexicalRestored = false, bool vectorsRestored = false)
    {
        // An index that holds chunks itself still needs them for rows it restored.
        var bindLexical = lexicalRestored && _lexicalSnapshots!.AwaitsChunks;
        var bindVectors = vectorsRestored && _vectorSnapshots!.AwaitsChunks;
        if (lexicalRestored && vectorsRestored && !bindLexical && !bindVectors) return 0;

        var batch = new List<Chunk>(BatchSize);
        var embeddings = new Dictionary<string, float[]>();
        var total = 0;
        var rows = vectorsRestored
            ? documents.ReadAllChunksWithoutEmbeddingsAsync(collection, cancellationToken).Select(chunk => (chunk, (float[]?)null))
            : documents.ReadAllChunksAsync(collection, cancellationToken);
        await foreach (var (chunk, embedding) in rows)
        {
            if (!include(chunk)) continue;
            batch.Add(chunk);
            if (embedding is not null) embeddings[chunk.Id] = embedding;
            if (batch.Count == BatchSize)
            {
                await AddAsync();
                total += batch.Count;
                batch.Clear();
                embeddings.Clear();
            }
        }
        await AddAsync();
        return total + batch.Count;

        async Task AddAsync()
        {
            if (batch.Count == 0) return;
            if (!lexicalRestored) await indexes.AddAsync(batch, embeddings, cancellationToken); // both, or BM25 alone when the vectors came back
            else if (!vectorsRestored) await indexes.AddVectorsAsync(batch, embeddings, cancellationToken);
            if (bindLexical) _lexicalSnapshots!.Bind(batch);
            if (bindVectors) _vectorSnapshots!.Bind(batch);
        }
    }
}
