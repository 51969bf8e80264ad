using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Ingestion.Chunking;
using RagLab.Core.Ingestion.Parsers;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion;

/// <summary>
/// Accepts uploads into content-addressed storage and queues them (one <c>ingest-batch</c> job per upload, single or
/// bulk), or indexes one at once for a caller that is itself a job; deletes documents from everything.
/// </summary>
public sealed class IngestionService(
    IDocumentStore documents,
    IJobStore jobs,
    IJobQueue queue,
    IContentStore content,
    DocumentParserRegistry parsers,
    IngestionPipeline pipeline,
    ChunkIndexWriter indexes,
    IAnswerCache cache,
    IOptions<IngestionOptions> options,
    DocumentLocks locks,
    TimeProvider time,
    ILogger<IngestionService> logger,
    ICollectionAccessStore? access = null) : IIngestionService
{
    public Task<IngestionReceipt> SubmitAsync(string? collection, string name, Stream stream, CancellationToken cancellationToken) =>
        SubmitAsync(collection, name, stream, groups: null, cancellationToken);

    public async Task<IngestionReceipt> SubmitAsync(string? collection, string name, Stream stream, IReadOnlyList<string>? groups, CancellationToken cancellationToken)
    {
        var collectionName = CollectionName.Normalize(collection);
        var documentName = DocumentName.Normalize(name);
        if (!parsers.IsSupported(documentName)) parsers.GetParser(documentName); // throws with the list of supported types
        var readers = await ReadersAsync(collectionName, groups, cancellationToken);

        var (hash, bytes) = await content.PutAsync(stream, options.Value.MaxUploadBytes, documentName, cancellationToken);
        var documentId = DocumentIds.ForDocument(collectionName, documentName);
        var existing = await documents.GetAsync(documentId, cancellationToken);
        if (existing is not null && existing.ContentHash == hash && DocumentGroups.Same(existing.Groups, readers) && existing.Status != DocumentStatus.Failed)
        {
            // Unchanged re-upload: already indexed or on its way. Nothing to do.
            return new IngestionReceipt(existing.Id, existing.Name, existing.Collection, existing.Status, existing.Status == DocumentStatus.Ready ? null : existing.JobId);
        }

        // A single upload is a batch of one: the same job and pipeline as a bulk upload.
        var job = await jobs.CreateAsync(new IngestBatchJobPayload(collectionName, 1, null), cancellationToken);
        var record = (await documents.SaveNewVersionsAsync([new DocumentRecord(documentId, collectionName, documentName, DocumentStatus.Queued,
            existing?.Chunks ?? 0, bytes, hash, time.GetUtcNow(), JobId: job.Id, Groups: readers)], cancellationToken))[0];
        // Refused by the queue: the upload is refused as a whole, and the previous version stays as it was.
        await queue.EnqueueOrFailAsync(jobs, job, cancellationToken, async _ =>
        {
            await RestoreAsync(record, existing);
            await DeleteBlobIfUnusedAsync(hash, CancellationToken.None);
        });
        logger.LogInformation("Queued {Document} in {Collection} ({Bytes} bytes) as job {JobId}", documentName, collectionName, bytes, job.Id);
        return new IngestionReceipt(documentId, documentName, collectionName, DocumentStatus.Queued, job.Id);
    }

    public async Task<IngestionReceipt> IngestNowAsync(string? collection, string name, Stream stream, CancellationToken cancellationToken)
    {
        var collectionName = CollectionName.Normalize(collection);
        var documentName = DocumentName.Normalize(name);
        if (!parsers.IsSupported(documentName)) parsers.GetParser(documentName); // throws with the list of supported types

        var readers = await ReadersAsync(collectionName, null, cancellationToken);
        var (hash, bytes) = await content.PutAsync(stream, options.Value.MaxUploadBytes, documentName, cancellationToken);
        var documentId = DocumentIds.ForDocument(collectionName, documentName);
        var existing = await documents.GetAsync(documentId, cancellationToken);
        if (existing is not null && existing.ContentHash == hash && DocumentGroups.Same(existing.Groups, readers) && existing.Status == DocumentStatus.Ready)
            return Receipt(existing);

        // No job: the record names none, so a job queued earlier for an older version of this document leaves it alone.
        var record = (await documents.SaveNewVersionsAsync([new DocumentRecord(documentId, collectionName, documentName, DocumentStatus.Indexing,
            existing?.Chunks ?? 0, bytes, hash, time.GetUtcNow(), Groups: readers)], cancellationToken))[0];
        await pipeline.IndexAsync(collectionName, [record], null, null, cancellationToken);
        var indexed = await documents.GetAsync(documentId, cancellationToken) ?? record;
        logger.LogInformation("Indexed {Document} in {Collection} at once: {Status}", documentName, collectionName, indexed.Status);
        return Receipt(indexed);
    }

    private const int BlobGroupSize = 1000;
    private const long BlobGroupBytes = 32L * 1024 * 1024;

    public async Task<BulkIngestionReceipt> SubmitManyAsync(string? collection, IAsyncEnumerable<DocumentUpload> uploads,
        BulkIngestionOptions? bulkOptions, CancellationToken cancellationToken)
    {
        var collectionName = CollectionName.Normalize(collection);
        ValidateBulkOptions(bulkOptions);
        var readers = await ReadersAsync(collectionName, bulkOptions?.Groups, cancellationToken);
        var maxBytes = options.Value.MaxUploadBytes;
        var existing = (await documents.ListAsync(collectionName, cancellationToken)).ToDictionary(d => d.Id, StringComparer.Ordinal);
        var accepted = new List<(DocumentRecord Record, bool Changed)>();
        var rejected = new List<RejectedUpload>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var createdBlobs = new List<string>();
        var now = time.GetUtcNow();
        var pending = new List<(string Name, byte[] Content)>();
        long pendingBytes = 0;

        // Blobs are stored in groups: one pack transaction per group instead of one file per document.
        async Task FlushAsync()
        {
            if (pending.Count == 0) return;
            var stored = await content.PutManyAsync(pending.Select(p => (ReadOnlyMemory<byte>)p.Content).ToList(), cancellationToken);
            for (var i = 0; i < pending.Count; i++)
            {
                var (hash, created) = stored[i];
                if (created) createdBlobs.Add(hash);
                var documentId = DocumentIds.ForDocument(collectionName, pending[i].Name);
                existing.TryGetValue(documentId, out var previous);
                if (previous is not null && previous.ContentHash == hash && DocumentGroups.Same(previous.Groups, readers) && previous.Status != DocumentStatus.Failed)
                    accepted.Add((previous, false));
                else
                    accepted.Add((new DocumentRecord(documentId, collectionName, pending[i].Name, DocumentStatus.Queued,
                        previous?.Chunks ?? 0, pending[i].Content.Length, hash, now, Groups: readers), true));
            }
            pending.Clear();
            pendingBytes = 0;
        }

        try
        {
            await foreach (var upload in uploads.WithCancellation(cancellationToken))
            {
                try
                {
                    var documentName = DocumentName.Normalize(upload.Name);
                    parsers.GetParser(documentName); // throws with the list of supported types
                    if (!names.Add(documentName))
                        throw new ValidationException($"'{documentName}' appears more than once in this upload; only its first copy was taken.");
                    var bytes = await ReadBoundedAsync(upload.Content, maxBytes, documentName, cancellationToken);
                    pending.Add((documentName, bytes.ToArray()));
                    pendingBytes += bytes.Length;
                }
                catch (ValidationException ex)
                {
                    rejected.Add(new RejectedUpload(upload.Name, ex.Message));
                }
                if (pending.Count >= BlobGroupSize || pendingBytes >= BlobGroupBytes) await FlushAsync();
            }
            await FlushAsync();
        }
        catch
        {
            // The upload as a whole failed (e.g. its source is malformed): nothing was recorded, so drop the blobs it added.
            await DeleteBlobsIfUnusedAsync(createdBlobs);
            throw;
        }

        var changed = accepted.Where(a => a.Changed).Select(a => a.Record).ToList();
        if (changed.Count == 0)
            return new BulkIngestionReceipt(collectionName, null, accepted.Select(a => Receipt(a.Record)).ToList(), rejected);

        var job = await jobs.CreateAsync(new IngestBatchJobPayload(collectionName, changed.Count, bulkOptions?.MaxChunkTokens), cancellationToken);
        var queued = await documents.SaveNewVersionsAsync(changed.Select(r => r with { JobId = job.Id }).ToList(), cancellationToken);
        // Refused by the queue: the upload is refused as a whole, previous versions stay as they were.
        await queue.EnqueueOrFailAsync(jobs, job, cancellationToken, async _ =>
        {
            foreach (var record in queued) await RestoreAsync(record, existing.GetValueOrDefault(record.Id));
            await DeleteBlobsIfUnusedAsync(createdBlobs);
        });
        logger.LogInformation("Queued {Changed} documents in {Collection} as job {JobId} ({Unchanged} unchanged, {Rejected} rejected)",
            changed.Count, collectionName, job.Id, accepted.Count - changed.Count, rejected.Count);
        var receipts = accepted.Select(a => Receipt(a.Changed ? a.Record with { JobId = job.Id } : a.Record)).ToList();
        return new BulkIngestionReceipt(collectionName, job.Id, receipts, rejected);
    }

    public async Task<bool> DeleteAsync(string documentId, CancellationToken cancellationToken)
    {
        DocumentRecord? document;
        // Under the document's lock: an indexing commit in this process finishes first, or finds the tombstone after.
        using (await locks.AcquireAsync([documentId], cancellationToken))
        {
            document = await documents.GetAsync(documentId, cancellationToken);
            if (document is null) return false;
            // The store first: a job of another process that wrote its chunks meanwhile then fails its version check
            // when it marks them ready, and takes them back out of the indexes.
            await documents.DeleteAsync(documentId, cancellationToken);
            await indexes.RemoveDocumentAsync(document.Collection, documentId, cancellationToken);
            await documents.BumpGenerationAsync(document.Collection, cancellationToken);
            await cache.InvalidateCollectionAsync(document.Collection, cancellationToken);
        }
        await DeleteBlobIfUnusedAsync(document.ContentHash, cancellationToken);
        logger.LogInformation("Deleted {Document} from {Collection} (version {Version})", document.Name, document.Collection, document.Version);
        return true;
    }

    /// <summary>Undoes an accepted upload whose job could not be queued, unless a newer upload or a delete came since.</summary>
    private async Task RestoreAsync(DocumentRecord accepted, DocumentRecord? previous)
    {
        if (previous is not null)
        {
            await documents.SaveIfVersionAsync(previous, accepted.Version, CancellationToken.None);
            return;
        }
        using (await locks.AcquireAsync([accepted.Id], CancellationToken.None))
        {
            var current = await documents.GetAsync(accepted.Id, CancellationToken.None);
            if (current?.Version == accepted.Version) await documents.DeleteAsync(accepted.Id, CancellationToken.None);
        }
    }

    private async Task DeleteBlobIfUnusedAsync(string hash, CancellationToken cancellationToken)
    {
        if (!await documents.IsContentReferencedAsync(hash, cancellationToken)) await content.DeleteAsync(hash, cancellationToken);
    }

    private async Task DeleteBlobsIfUnusedAsync(IEnumerable<string> hashes)
    {
        foreach (var hash in hashes) await DeleteBlobIfUnusedAsync(hash, CancellationToken.None);
    }

    /// <summary>The groups a new version gets: those given (empty: everyone), or else the collection's default ones.</summary>
    /// <exception cref="ValidationException">A bad group name.</exception>
    private async Task<IReadOnlyList<string>?> ReadersAsync(string collection, IReadOnlyList<string>? groups, CancellationToken cancellationToken) =>
        groups is not null ? DocumentGroups.Normalize(groups)
        : access is null ? null
        : await access.GetDefaultGroupsAsync(collection, cancellationToken);

    private static IngestionReceipt Receipt(DocumentRecord record) =>
        new(record.Id, record.Name, record.Collection, record.Status, record.Status == DocumentStatus.Ready ? null : record.JobId);

    private static void ValidateBulkOptions(BulkIngestionOptions? bulkOptions)
    {
        if (bulkOptions?.MaxChunkTokens is { } tokens && tokens < ChunkingOptions.MinMaxTokens)
            throw new ValidationException($"MaxChunkTokens is {tokens}; it must be at least {ChunkingOptions.MinMaxTokens}.");
    }

    /// <summary>The upload's bytes, read at most once past the limit; a memory stream's buffer is used as it is.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadBoundedAsync(Stream stream, long maxBytes, string name, CancellationToken cancellationToken)
    {
        if (stream is MemoryStream memory && memory.TryGetBuffer(out var buffer))
        {
            if (memory.Length - memory.Position > maxBytes) throw TooLarge(name, maxBytes);
            return buffer.AsMemory((int)memory.Position, (int)(memory.Length - memory.Position));
        }
        var copy = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (copy.Length + read > maxBytes) throw TooLarge(name, maxBytes);
            copy.Write(chunk, 0, read);
        }
        return copy.GetBuffer().AsMemory(0, (int)copy.Length);
    }

    private static PayloadTooLargeException TooLarge(string name, long maxBytes) =>
        new($"'{name}' is larger than the upload limit of {ByteSize.Format(maxBytes)}. Split it, or raise RagLab:Ingestion:MaxUploadBytes.");
}

/// <summary>What an <c>ingest-batch</c> job indexes: the documents of <paramref name="Collection"/> whose record names the job.</summary>
/// <param name="Documents">How many documents the job was created with (for display; the records are the source of truth).</param>
/// <param name="MaxChunkTokens">The chunk budget asked for at upload, or null for the configured one.</param>
public sealed record IngestBatchJobPayload(string Collection, int Documents, int? MaxChunkTokens) : IJobPayload
{
    public static string Kind => IngestBatchJobHandler.JobKind;
}
