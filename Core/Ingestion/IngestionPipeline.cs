using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Ingestion.Chunking;
using RagLab.Core.Ingestion.Parsers;
using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;

namespace RagLab.Core.Ingestion;

/// <summary>
/// The one ingestion pipeline: parses, chunks, embeds (when a model is connected) and indexes stored uploads, in batches of
/// <see cref="DefaultBatchSize"/> documents. A single upload is a batch of one.
/// </summary>
/// <remarks>
/// Each batch commits in one order: (1) the store gets text, chunks and embeddings with the document still indexing
/// (or failed, with why); (2) the indexes of this process (or Qdrant) get the chunks; (3) the store marks the documents ready
/// and bumps the collection generation in one transaction; (4) the answer cache is invalidated. So "ready" means searchable,
/// and another process's index loader that sees the new generation also sees the documents ready (it never skips one).
/// A crash before (3) leaves the documents indexing, and the job's rerun redoes them; chunk ids derive from content, so
/// nothing is duplicated. A document that cannot be parsed is marked failed on its own; the others go on.
/// <para>
/// Steps (1) to (3) hold the documents' <see cref="DocumentLocks"/>, and every store write is checked against the
/// document's version (sequence number and content hash): a version overtaken by a newer upload, or deleted, writes
/// nothing, and one overtaken between (1) and (3) (by a writer in another process) takes its chunks back out of the
/// indexes. So the last accepted upload wins everywhere and the indexes never hold two versions of one document.
/// </para>
/// </remarks>
public sealed class IngestionPipeline(
    IDocumentStore documents,
    IContentStore content,
    DocumentParserRegistry parsers,
    StructuredChunker chunker,
    IOptions<ChunkingOptions> chunking,
    IModelProvider models,
    ChunkIndexWriter indexes,
    IAnswerCache cache,
    IOptions<IngestionOptions> options,
    DocumentLocks locks,
    TimeProvider time,
    ILogger<IngestionPipeline> logger,
    VectorModelGuard? vectorModels = null)
{
    /// <summary>Documents per store transaction and index update.</summary>
    public const int DefaultBatchSize = 1000;

    /// <summary>Documents per store transaction and index update (smaller in tests, to exercise several batches).</summary>
    internal int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>Indexes <paramref name="pending"/> (stored records of one collection, queued or indexing).</summary>
    /// <param name="maxChunkTokens">The chunk budget asked for at upload, or null for the configured one.</param>
    /// <param name="onBatch">Called before each batch with the number of documents of <paramref name="pending"/> done so far.</param>
    public async Task<IngestionOutcome> IndexAsync(string collection, IReadOnlyList<DocumentRecord> pending, int? maxChunkTokens,
        Func<int, Task>? onBatch, CancellationToken cancellationToken)
    {
        var documentChunker = ChunkerFor(maxChunkTokens);
        var generator = pending.Count > 0 && options.Value.EmbedDuringIngestion ? await models.GetEmbeddingGeneratorAsync(cancellationToken) : null;
        // A collection embedded by another model gets no vectors of this one until its re-embed: they would be mixed in.
        if (generator is not null && vectorModels is not null && (await vectorModels.OtherModelsAsync(collection, EmbeddingModelId.Of(generator), cancellationToken)).Count > 0)
            generator = null;
        var outcome = new IngestionOutcome();
        var done = 0;
        foreach (var batch in pending.Chunk(BatchSize))
        {
            if (onBatch is not null) await onBatch(done);
            var stage = Stopwatch.GetTimestamp();
            var prepared = new PreparedDocument[batch.Length];
            var packed = await content.ReadPackedAsync(batch.Select(d => d.ContentHash), cancellationToken);
            await Parallel.ForEachAsync(Enumerable.Range(0, batch.Length),
                new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken },
                async (i, ct) => prepared[i] = await PrepareAsync(batch[i], packed.GetValueOrDefault(batch[i].ContentHash), documentChunker, ct));
            outcome.Preparing += Stopwatch.GetElapsedTime(stage);

            var embeddings = generator is null ? null : await EmbedAsync(generator, prepared, cancellationToken);
            await CommitAsync(collection, prepared, embeddings, outcome, cancellationToken);
            done += batch.Length;
        }
        return outcome;
    }

    private async Task CommitAsync(string collection, IReadOnlyList<PreparedDocument> prepared, Dictionary<string, float[]>? embeddings,
        IngestionOutcome outcome, CancellationToken cancellationToken)
    {
        // One timestamp for the whole commit, taken before the indexes are written: this process's loader then sees
        // its own write as current (indexed after the store changed) and does not load it again.
        var now = time.GetUtcNow();
        var entries = prepared.Select(p => new DocumentContent(
            p.Error is null
                ? p.Record with { Status = DocumentStatus.Indexing, Chunks = p.Chunks.Count, Error = null, UpdatedAt = now, Warnings = p.Warnings.Count > 0 ? p.Warnings : null }
                : p.Record with { Status = DocumentStatus.Failed, Chunks = 0, Error = p.Error, UpdatedAt = now },
            p.Text, p.Chunks, embeddings)).ToList();

        var stage = Stopwatch.GetTimestamp();
        using var held = await locks.AcquireAsync(prepared.Select(p => p.Record.Id), cancellationToken);
        var written = (await documents.ReplaceContentManyAsync(entries, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var writtenDocuments = prepared.Where(p => written.Contains(p.Record.Id)).ToList();
        outcome.Storing += Stopwatch.GetElapsedTime(stage);
        outcome.Superseded += prepared.Count - writtenDocuments.Count;
        if (writtenDocuments.Count == 0) return;

        stage = Stopwatch.GetTimestamp();
        // A document that may have chunks in the indexes (an earlier version, or a retry) loses them first.
        var replaced = writtenDocuments.Where(p => p.Record.Chunks > 0 || p.Record.Version > 1).Select(p => p.Record.Id).ToList();
        var chunks = writtenDocuments.Where(p => p.Error is null).SelectMany(p => p.Chunks).ToList();
        await indexes.ReplaceDocumentsAsync(collection, replaced, chunks, embeddings, cancellationToken);
        outcome.Indexing += Stopwatch.GetElapsedTime(stage);

        var ready = entries.Where(e => e.Document.Status == DocumentStatus.Indexing && written.Contains(e.Document.Id)).Select(e => e.Document).ToList();
        var marked = (await documents.MarkReadyAsync(collection, ready, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        // Overtaken between the store write and now (a delete or an upload from another process): take this version's
        // chunks back out, so the indexes serve nothing the store no longer holds as ready.
        foreach (var lost in ready.Where(d => !marked.Contains(d.Id)))
        {
            await indexes.RemoveDocumentAsync(collection, lost.Id, CancellationToken.None);
            outcome.Superseded++;
            logger.LogInformation("{Document} in {Collection} changed while version {Version} was indexed; that version was discarded",
                lost.Name, collection, lost.Version);
        }
        await cache.InvalidateCollectionAsync(collection, cancellationToken);

        outcome.Chunks += chunks.Count - ready.Where(d => !marked.Contains(d.Id)).Sum(d => d.Chunks);
        outcome.Failed += writtenDocuments.Count(p => p.Error is not null);
    }

    private StructuredChunker ChunkerFor(int? maxChunkTokens)
    {
        if (maxChunkTokens is not { } maxTokens) return chunker;
        var overlap = Math.Min(chunking.Value.OverlapTokens, (maxTokens - 1) / 2);
        return new StructuredChunker(new ChunkingOptions { MaxTokens = maxTokens, OverlapTokens = overlap });
    }

    private async Task<PreparedDocument> PrepareAsync(DocumentRecord record, byte[]? packedContent, StructuredChunker documentChunker, CancellationToken cancellationToken)
    {
        try
        {
            ParsedDocument parsed;
            await using (var stream = packedContent is null ? await content.OpenAsync(record.ContentHash, cancellationToken) : new MemoryStream(packedContent, writable: false))
            {
                parsed = await parsers.ParseAsync(record.Name, stream, cancellationToken);
            }
            var chunks = documentChunker.Chunk(parsed, record.Id, record.Name, record.Collection);
            // Every chunk carries its document's readers, so each index can filter by them before it ranks.
            if (record.Groups is { Count: > 0 } groups) chunks = [.. chunks.Select(c => c with { Groups = groups })];
            var maxChunks = options.Value.MaxChunksPerDocument;
            if (chunks.Count > maxChunks)
                throw new ValidationException($"'{record.Name}' makes {chunks.Count:N0} chunks, more than the limit of {maxChunks:N0} chunks per document " +
                    "(RagLab:Ingestion:MaxChunksPerDocument). Split it into smaller documents, or raise the limit.");
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

    private sealed record PreparedDocument(DocumentRecord Record, string Text, IReadOnlyList<Chunk> Chunks, IReadOnlyList<string> Warnings, string? Error);
}

/// <summary>What one <see cref="IngestionPipeline.IndexAsync"/> call did, with where its time went.</summary>
public sealed class IngestionOutcome
{
    public int Chunks { get; internal set; }
    public int Failed { get; internal set; }
    /// <summary>Documents whose version was overtaken (re-uploaded or deleted) while it was indexed: their work was discarded.</summary>
    public int Superseded { get; internal set; }
    public TimeSpan Preparing { get; internal set; }
    public TimeSpan Storing { get; internal set; }
    public TimeSpan Indexing { get; internal set; }
}
