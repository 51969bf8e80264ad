using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Kernel;
using RagLab.Core.Ingestion;
using RagLab.Core.Jobs;
using RagLab.Core.Retrieval;

namespace RagLab.Infrastructure.Ingestion;

/// <summary>
/// Embeds, in the background, every chunk that has no vector yet: chunks indexed while no model was connected, and chunks
/// ingested on the in-process model (BM25 answers at once, dense joins when this is done). A collection whose vectors came from
/// another model is left alone (never mixed): it waits for an explicit re-embed (<see cref="ReembedAsync"/>, a <c>reembed</c> job).
/// The work runs as an <c>embed</c> job, so its progress (count and rate) shows at <c>/api/jobs</c>, and its count and rate stay
/// as the job's message; vectors are stored, so a restart resumes where it stopped.
/// Runs in the process that runs jobs (it writes the store and the indexes).
/// </summary>
public sealed class EmbeddingBackfill : BackgroundService
{
    private readonly IChunkEmbeddingStore _embeddings;
    private readonly IDocumentStore _documents;
    private readonly IModelProvider _models;
    private readonly ChunkIndexWriter _indexes;
    private readonly IAnswerCache _cache;
    private readonly IJobStore? _jobs;
    private readonly IJobQueue? _queue;
    private readonly IOptions<IngestionOptions> _options;
    private readonly ILogger<EmbeddingBackfill> _logger;
    private readonly DocumentLocks _locks;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly TimeProvider _time;

    public EmbeddingBackfill(IChunkEmbeddingStore embeddings, IDocumentStore documents, IModelProvider models, ChunkIndexWriter indexes,
        IAnswerCache cache, IOptions<IngestionOptions> options, ILogger<EmbeddingBackfill> logger, IJobStore? jobs = null, IJobQueue? queue = null, DocumentLocks? locks = null,
        TimeProvider? time = null)
    {
        (_embeddings, _documents, _models, _indexes, _cache, _options, _logger, _jobs, _queue) = (embeddings, documents, models, indexes, cache, options, logger, jobs, queue);
        _locks = locks ?? new DocumentLocks();
        _time = time ?? TimeProvider.System;
        // Chunks indexed without vectors (an upload on the in-process model, the start-up load) start the work at once.
        indexes.ChunksWithoutEmbeddingAdded += Wake;
    }

    /// <summary>Checks for chunks to embed now rather than at the next interval.</summary>
    public void Wake()
    {
        try { _wake.Release(); } catch (SemaphoreFullException) { }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_jobs is not null && _queue is not null) await SubmitIfNeededAsync(stoppingToken);
                else await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The model may have gone away mid-way; what was saved stays saved, the rest waits for the next round.
                _logger.LogWarning(ex, "Embedding chunks in the background failed; retrying in {Interval}", _options.Value.EmbeddingBackfillInterval);
            }
            await ((Task)_wake.WaitAsync(_options.Value.EmbeddingBackfillInterval, stoppingToken)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Queues an <c>embed</c> job when chunks lack vectors from the connected model and none is queued or running.</summary>
    private async Task SubmitIfNeededAsync(CancellationToken cancellationToken)
    {
        var generator = await _models.GetEmbeddingGeneratorAsync(cancellationToken);
        if (generator is null) return;
        if (await _embeddings.CountChunksWithoutEmbeddingAsync(ChunkEmbedder.ModelOf(generator), cancellationToken) == 0) return;
        if ((await _jobs!.ListUnfinishedAsync(cancellationToken)).Any(j => j.Kind == EmbedJobHandler.JobKind)) return;
        var job = await _jobs.CreateAsync(EmbedJobHandler.JobKind, "{}", cancellationToken);
        await _queue!.EnqueueAsync(job.Id, job.Kind, cancellationToken);
    }

    /// <summary>Embeds every chunk still missing a vector, in collections not waiting for a re-embed. Returns how many were embedded (0 when no model is connected).</summary>
    public Task<int> RunOnceAsync(CancellationToken cancellationToken) => RunOnceAsync(null, cancellationToken);

    /// <inheritdoc cref="RunOnceAsync(CancellationToken)"/>
    /// <param name="progress">Told the count done, the total and the rate after each batch, and the count and rate at the end.</param>
    public async Task<int> RunOnceAsync(IJobProgress? progress, CancellationToken cancellationToken)
    {
        var generator = await _models.GetEmbeddingGeneratorAsync(cancellationToken);
        if (generator is null) return 0;
        var model = ChunkEmbedder.ModelOf(generator);
        var pending = await _embeddings.CountChunksWithoutEmbeddingAsync(model, cancellationToken);
        return await EmbedAsync(generator, pending, limit => _embeddings.GetChunksWithoutEmbeddingAsync(limit, model, cancellationToken), progress, "", cancellationToken);
    }

    /// <summary>
    /// Gives every chunk of <paramref name="collection"/> a vector from the configured model, replacing another model's. The
    /// collection's vectors leave the dense index first, so the two models' never meet there; dense and hybrid refuse the
    /// collection until the last chunk is done (<see cref="VectorModelGuard"/>). Returns how many chunks were embedded.
    /// </summary>
    /// <exception cref="DependencyUnavailableException">No embedding model is connected.</exception>
    public async Task<int> ReembedAsync(string collection, IJobProgress? progress, CancellationToken cancellationToken)
    {
        var generator = await _models.GetEmbeddingGeneratorAsync(cancellationToken)
            ?? throw new DependencyUnavailableException($"Collection '{collection}' cannot be re-embedded: no embedding model is connected. Configure one, then re-embed again.");
        var model = ChunkEmbedder.ModelOf(generator);
        var pending = await _embeddings.CountChunksToReembedAsync(collection, model, cancellationToken);
        if (pending > 0)
        {
            var documents = (await _documents.ListAsync(collection, cancellationToken)).Select(d => d.Id).ToList();
            using (await _locks.AcquireAsync(documents, cancellationToken))
                await _indexes.RemoveVectorsAsync(collection, documents, cancellationToken);
        }
        return await EmbedAsync(generator, pending, limit => _embeddings.GetChunksToReembedAsync(collection, limit, model, cancellationToken), progress,
            $" of '{collection}'", cancellationToken);
    }

    /// <summary>Embeds batches from <paramref name="nextBatch"/> until it returns none, storing and indexing each.</summary>
    private async Task<int> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> generator, int pending, Func<int, Task<IReadOnlyList<Chunk>>> nextBatch,
        IJobProgress? progress, string of, CancellationToken cancellationToken)
    {
        var model = ChunkEmbedder.ModelOf(generator);
        var batchSize = Math.Max(1, _options.Value.EmbeddingBatchSize);
        var collections = new HashSet<string>(StringComparer.Ordinal);
        var total = 0;
        var started = Stopwatch.GetTimestamp();
        while (await nextBatch(batchSize) is { Count: > 0 } batch)
        {
            var vectors = await generator.GenerateAsync(batch.Select(c => c.Text), cancellationToken: cancellationToken);
            var byChunk = batch.Select((chunk, i) => (chunk.Id, Vector: vectors[i].Vector.ToArray())).ToDictionary(p => p.Id, p => p.Vector);
            using (await _locks.AcquireAsync(batch.Select(c => c.DocumentId), cancellationToken))
            {
                // A document re-uploaded or deleted while its chunks were embedded: its old chunks must not reach the vector index.
                var current = (await _documents.GetChunksByIdAsync(batch.Select(c => c.Id).ToList(), cancellationToken)).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
                var kept = current.Count == batch.Count ? batch : batch.Where(c => current.Contains(c.Id)).ToList();
                if (kept.Count < batch.Count) byChunk = kept.ToDictionary(c => c.Id, c => byChunk[c.Id]);
                var storedAt = _time.GetUtcNow();
                await _embeddings.SaveEmbeddingsAsync(byChunk, model, storedAt, cancellationToken);
                await _indexes.AddVectorsAsync(kept, byChunk, cancellationToken, storedAt);
            }
            collections.UnionWith(batch.Select(c => c.Collection));
            total += batch.Count;
            if (progress is not null)
            {
                pending = Math.Max(pending, total);
                await progress.ReportAsync((double)total / pending, $"embedded {total}/{pending} chunks{of} with {model}, {Rate(total, started):0.0} chunks/s", cancellationToken);
            }
        }
        foreach (var collection in collections)
        {
            // Hybrid and dense answers change now that these chunks have vectors.
            await _documents.BumpGenerationAsync(collection, cancellationToken);
            await _cache.InvalidateCollectionAsync(collection, cancellationToken);
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        progress?.ReportOutcome(total == 0
            ? $"Nothing to embed{of}: every chunk has a vector from {model}."
            : $"{total:N0} chunk{(total == 1 ? "" : "s")}{of} embedded with {model} at {Rate(total, started):0.0} chunks/s ({seconds:0.0} s).");
        if (total > 0)
            _logger.LogInformation("Embedded {Chunks} chunks{Of} in the background with {Model} in {Elapsed:0.0} s", total, of, model, seconds);
        return total;
    }

    private static double Rate(int chunks, long started) => chunks / Math.Max(1e-3, Stopwatch.GetElapsedTime(started).TotalSeconds);

    public override void Dispose()
    {
        _indexes.ChunksWithoutEmbeddingAdded -= Wake;
        _wake.Dispose();
        base.Dispose();
    }
}

/// <summary>Runs <see cref="EmbeddingBackfill"/> as a job: <c>/api/jobs</c> shows the chunks embedded and the rate.</summary>
public sealed class EmbedJobHandler(EmbeddingBackfill backfill) : IJobHandler
{
    public const string JobKind = "embed";

    public string Kind => JobKind;

    public Task RunAsync(JobRecord job, IJobProgress progress, CancellationToken cancellationToken) => backfill.RunOnceAsync(progress, cancellationToken);

    public Task OnFailedAsync(JobRecord job, string error, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Runs a collection's re-embed (<see cref="VectorReembedding"/>) as a <c>reembed</c> job, with its count and rate at <c>/api/jobs</c>.</summary>
public sealed class ReembedJobHandler(EmbeddingBackfill backfill) : IJobHandler
{
    public string Kind => VectorReembedding.JobKind;

    public Task RunAsync(JobRecord job, IJobProgress progress, CancellationToken cancellationToken) =>
        backfill.ReembedAsync(JobPayloads.Read<ReembedJobPayload>(job).Collection, progress, cancellationToken);
}
