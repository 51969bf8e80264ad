using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Caching;
using RagLab.Core.Generation;
using RagLab.Core.Ingestion.Chunking;
using RagLab.Core.Ingestion.Parsers;
using RagLab.Core.Jobs;
using RagLab.Core.Telemetry;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion;

/// <summary>
/// Indexes the documents of one bulk upload: those of the collection whose record names this job and is not yet done.
/// Works in batches of <see cref="DefaultBatchSize"/> documents: parse and chunk in parallel, embed (when a model is connected),
/// write the batch to the store in one transaction, then add it to the indexes in one call. The collection generation is
/// bumped and its answer cache invalidated once, at the end.
/// </summary>
/// <remarks>
/// Crash-safe and idempotent: a document is marked ready in the same transaction that stores its chunks, so a rerun
/// skips what is done and redoes the rest; chunk ids derive from content, so nothing is duplicated. On a resumed attempt the
/// documents already done are pushed to the indexes again, since the crash may have come between the store and the index.
/// A document that cannot be parsed is marked failed on its own; the others go on.
/// </remarks>
public sealed class IngestBatchJobHandler(
    IDocumentStore documents,
    IContentStore content,
    DocumentParserRegistry parsers,
    StructuredChunker chunker,
    IOptions<ChunkingOptions> chunking,
    IModelProvider models,
    ChunkIndexWriter indexes,
    IAnswerCache cache,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<IngestBatchJobHandler> logger) : IJobHandler
{
    public const string JobKind = "ingest-batch";

    /// <summary>Documents per store transaction and index update.</summary>
    public const int DefaultBatchSize = 1000;

    /// <summary>Documents per store transaction and index update (smaller in tests, to exercise several batches).</summary>
    internal int BatchSize { get; set; } = DefaultBatchSize;

    public string Kind => JobKind;

    public async Task RunAsync(JobRecord job, IJobProgress progress, CancellationToken cancellationToken)
    {
        var payload = ReadPayload(job);
        using var activity = RagLabTelemetry.ActivitySource.StartActivity("ingest-batch");
        activity?.SetTag("raglab.collection", payload.Collection);
        var started = Stopwatch.GetTimestamp();

        var mine = (await documents.ListAsync(payload.Collection, cancellationToken)).Where(d => d.JobId == job.Id).ToList();
        var pending = mine.Where(d => d.Status is DocumentStatus.Queued or DocumentStatus.Indexing).ToList();
        var total = mine.Count;
        var done = total - pending.Count;
        if (job.Attempts > 0 && done > 0)
        {
            await progress.ReportAsync(0, $"re-indexing {done} documents done before the interruption", cancellationToken);
            if (await ReindexStoredAsync(payload.Collection, mine.Where(d => d.Status == DocumentStatus.Ready).Select(d => d.Id), cancellationToken))
            {
                await documents.BumpGenerationAsync(payload.Collection, cancellationToken);
                await cache.InvalidateCollectionAsync(payload.Collection, cancellationToken);
            }
        }

        var batchChunker = ChunkerFor(payload);
        var generator = pending.Count > 0 && options.Value.EmbedDuringIngestion ? await models.GetEmbeddingGeneratorAsync(cancellationToken) : null;
        var chunkCount = 0;
        var failed = 0;
        TimeSpan preparing = default, storing = default, indexing = default;
        foreach (var batch in pending.Chunk(BatchSize))
        {
            await progress.ReportAsync(Fraction(done, total), $"indexing: {done} of {total} documents done", cancellationToken);
            var stage = Stopwatch.GetTimestamp();
            var prepared = new PreparedDocument[batch.Length];
            var packed = await content.ReadPackedAsync(batch.Select(d => d.ContentHash), cancellationToken);
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Length),
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
                async (i, ct) => prepared[i] = await PrepareAsync(batch[i], packed.GetValueOrDefault(batch[i].ContentHash), batchChunker, ct));

            preparing += Stopwatch.GetElapsedTime(stage);
            var embeddings = generator is null ? null : await EmbedAsync(generator, prepared, cancellationToken);
            var now = time.GetUtcNow();
            var entries = prepared.Select(p => new DocumentContent(
                p.Error is null
                    ? p.Record with { Status = DocumentStatus.Ready, Chunks = p.Chunks.Count, Error = null, UpdatedAt = now, Warnings = p.Warnings.Count > 0 ? p.Warnings : null }
                    : p.Record with { Status = DocumentStatus.Failed, Chunks = 0, Error = p.Error, UpdatedAt = now },
                p.Text, p.Chunks, embeddings)).ToList();

            // The store first: once a document is ready there, a restart rebuilds the in-process indexes from it.
            stage = Stopwatch.GetTimestamp();
            var written = (await documents.ReplaceContentManyAsync(entries, cancellationToken)).ToHashSet(StringComparer.Ordinal);
            var writtenDocuments = prepared.Where(p => written.Contains(p.Record.Id)).ToList();
            // A document that had chunks before this upload (a new version, or a retry) loses the old ones first.
            var replaced = writtenDocuments.Where(p => p.Record.Chunks > 0).Select(p => p.Record.Id).ToList();
            var chunks = writtenDocuments.SelectMany(p => p.Chunks).ToList();
            storing += Stopwatch.GetElapsedTime(stage);
            stage = Stopwatch.GetTimestamp();
            await indexes.ReplaceDocumentsAsync(payload.Collection, replaced, chunks, embeddings, cancellationToken);
            indexing += Stopwatch.GetElapsedTime(stage);
            if (writtenDocuments.Count > 0)
            {
                // Per batch, so cached answers never lag the index by more than one batch.
                await documents.BumpGenerationAsync(payload.Collection, cancellationToken);
                await cache.InvalidateCollectionAsync(payload.Collection, cancellationToken);
            }

            chunkCount += chunks.Count;
            failed += writtenDocuments.Count(p => p.Error is not null);
            done += batch.Length;
        }

        await progress.ReportAsync(1, $"indexed {total} documents", cancellationToken);
        RagLabTelemetry.IngestionDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        logger.LogInformation("Batch {JobId} indexed {Documents} documents of {Collection}: {Chunks} chunks, {Failed} failed, in {Elapsed:0} ms " +
            "(parse and chunk {Preparing:0} ms, store {Storing:0} ms, indexes {Indexing:0} ms)",
            job.Id, pending.Count, payload.Collection, chunkCount, failed, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            preparing.TotalMilliseconds, storing.TotalMilliseconds, indexing.TotalMilliseconds);
    }

    /// <summary>Marks this job's documents that were still waiting as failed, so the user sees why they are not searchable.</summary>
    public async Task OnFailedAsync(JobRecord job, string error, CancellationToken cancellationToken)
    {
        var payload = ReadPayload(job);
        var now = time.GetUtcNow();
        var waiting = (await documents.ListAsync(payload.Collection, cancellationToken))
            .Where(d => d.JobId == job.Id && d.Status is DocumentStatus.Queued or DocumentStatus.Indexing)
            .Select(d => d with { Status = DocumentStatus.Failed, Error = error, UpdatedAt = now })
            .ToList();
        await documents.SaveManyAsync(waiting, cancellationToken);
    }

    private StructuredChunker ChunkerFor(IngestBatchJobPayload payload)
    {
        if (payload.MaxChunkTokens is not { } maxTokens) return chunker;
        var overlap = Math.Min(chunking.Value.OverlapTokens, (maxTokens - 1) / 2);
        return new StructuredChunker(new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlap });
    }

    private async Task<PreparedDocument> PrepareAsync(DocumentRecord record, byte[]? packedContent, StructuredChunker documentChunker, CancellationToken cancellationToken)
    {
        try
        {
            ParsedDocument parsed;
            await using (var stream = packedContent is null ? content.Open(record.ContentHash) : new MemoryStream(packedContent, writable: false))
            {
                parsed = await parsers.GetParser(record.Name).ParseAsync(stream, cancellationToken);
            }
            var chunks = documentChunker.Chunk(parsed, record.Id, record.Name, record.Collection);
            return new PreparedDocument(record, parsed.Text, chunks, parsed.Warnings, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not index {Document} in {Collection}", record.Name, record.Collection);
            return new PreparedDocument(record, string.Empty, [], [], ex.Message);
        }
    }

    private async Task<Dictionary<string, float[]>?> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> generator,
        IReadOnlyList<PreparedDocument> prepared, CancellationToken cancellationToken)
    {
        var chunks = prepared.SelectMany(p => p.Chunks).ToList();
        if (chunks.Count == 0) return null;
        return await ChunkEmbedder.EmbedAsync(generator, chunks, options.Value.EmbeddingBatchSize, onBatch: null, cancellationToken);
    }

    /// <summary>Pushes stored chunks of documents already done back into the indexes (replace by id: no duplicates).</summary>
    private async Task<bool> ReindexStoredAsync(string collection, IEnumerable<string> documentIds, CancellationToken cancellationToken)
    {
        var ids = documentIds.ToHashSet(StringComparer.Ordinal);
        if (ids.Count == 0) return false;
        var chunks = new List<Chunk>();
        var embeddings = new Dictionary<string, float[]>(StringComparer.Ordinal);
        await foreach (var (chunk, embedding) in documents.ReadAllChunksAsync(collection, cancellationToken))
        {
            if (!ids.Contains(chunk.DocumentId)) continue;
            chunks.Add(chunk);
            if (embedding is not null) embeddings[chunk.Id] = embedding;
        }
        await indexes.ReplaceDocumentsAsync(collection, ids, chunks, embeddings, cancellationToken);
        return true;
    }

    private static double Fraction(int done, int total) => total == 0 ? 1 : (double)done / total;

    private static IngestBatchJobPayload ReadPayload(JobRecord job) =>
        JsonSerializer.Deserialize<IngestBatchJobPayload>(job.Payload) ?? throw new InvalidOperationException($"Job {job.Id} has an empty payload.");

    private sealed record PreparedDocument(DocumentRecord Record, string Text, IReadOnlyList<Chunk> Chunks, IReadOnlyList<string> Warnings, string? Error);
}
