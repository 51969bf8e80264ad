using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Ingestion;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;

namespace RagLab.Infrastructure.Indexing;

/// <summary>
/// Keeps the in-process indexes equal to the document store. At start it rebuilds them, so a restart loses nothing
/// (readiness waits for it: <see cref="IsLoaded"/>). Then it follows each collection's generation, so documents that
/// another process indexed or deleted in the same data directory (the CLI, a Worker) appear here within seconds.
/// </summary>
public sealed class EmbeddedIndexLoader(
    IDocumentStore documents,
    ChunkIndexWriter indexes,
    IOptions<RagLabOptions> options,
    ILogger<EmbeddedIndexLoader> logger) : BackgroundService
{
    private const int BatchSize = 2048;
    private readonly Dictionary<string, long> _seenGenerations = new(StringComparer.Ordinal);

    public bool IsLoaded { get; private set; }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // Generations first: anything that changes during the load is reconciled by the first sync.
        foreach (var collection in await documents.ListCollectionsAsync(cancellationToken))
            _seenGenerations[collection] = await documents.GetGenerationAsync(collection, cancellationToken);
        var total = await LoadAsync(null, _ => true, cancellationToken);
        IsLoaded = true;
        logger.LogInformation("Loaded {Chunks} chunks into the in-process indexes in {Elapsed:0} ms", total, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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
        foreach (var collection in collections)
        {
            var generation = await documents.GetGenerationAsync(collection, cancellationToken);
            if (_seenGenerations.TryGetValue(collection, out var seen) && seen == generation) continue;
            await ReconcileAsync(collection, cancellationToken);
            _seenGenerations[collection] = generation;
        }
    }

    private async Task ReconcileAsync(string collection, CancellationToken cancellationToken)
    {
        var ready = (await documents.ListAsync(collection, cancellationToken)).Where(d => d.Status == DocumentStatus.Ready).ToDictionary(d => d.Id);
        var indexed = indexes.IndexedDocuments.Where(d => d.Value.Collection == collection).ToDictionary(d => d.Key, d => d.Value.IndexedAt);

        var removed = indexed.Keys.Where(id => !ready.ContainsKey(id)).ToList();
        foreach (var id in removed) await indexes.RemoveDocumentAsync(collection, id, cancellationToken);

        // Indexed here after the store last changed it means this process wrote it; anything else came from elsewhere.
        var stale = ready.Values.Where(d => !indexed.TryGetValue(d.Id, out var at) || at < d.UpdatedAt).Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in stale) await indexes.RemoveDocumentAsync(collection, id, cancellationToken);
        var loaded = stale.Count == 0 ? 0 : await LoadAsync(collection, chunk => stale.Contains(chunk.DocumentId), cancellationToken);

        if (removed.Count + stale.Count > 0)
            logger.LogInformation("Collection {Collection} changed elsewhere: {Removed} documents removed, {Updated} loaded ({Chunks} chunks)",
                collection, removed.Count, stale.Count, loaded);
    }

    private async Task<int> LoadAsync(string? collection, Func<Chunk, bool> include, CancellationToken cancellationToken)
    {
        var batch = new List<Chunk>(BatchSize);
        var embeddings = new Dictionary<string, float[]>();
        var total = 0;
        await foreach (var (chunk, embedding) in documents.ReadAllChunksAsync(collection, cancellationToken))
        {
            if (!include(chunk)) continue;
            batch.Add(chunk);
            if (embedding is not null) embeddings[chunk.Id] = embedding;
            if (batch.Count == BatchSize)
            {
                await indexes.AddAsync(batch, embeddings, cancellationToken);
                total += batch.Count;
                batch.Clear();
                embeddings.Clear();
            }
        }
        await indexes.AddAsync(batch, embeddings, cancellationToken);
        return total + batch.Count;
    }
}
