using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Caching;
using RagLab.Core.Ingestion.Parsers;
using RagLab.Core.Jobs;
using RagLab.Core.Storage;

namespace RagLab.Core.Ingestion;

/// <summary>Accepts uploads into content-addressed storage and queues them; deletes documents from everything.</summary>
public sealed class IngestionService(
    IDocumentStore documents,
    IJobStore jobs,
    IJobQueue queue,
    ContentStore content,
    DocumentParserRegistry parsers,
    ChunkIndexWriter indexes,
    IAnswerCache cache,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<IngestionService> logger) : IIngestionService
{
    public async Task<IngestionReceipt> SubmitAsync(string? collection, string name, Stream stream, CancellationToken cancellationToken)
    {
        var collectionName = CollectionName.Normalize(collection);
        var documentName = DocumentName.Normalize(name);
        if (!parsers.IsSupported(documentName)) parsers.GetParser(documentName); // throws with the list of supported types

        var (hash, bytes) = await content.PutAsync(stream, options.Value.MaxUploadBytes, documentName, cancellationToken);
        var documentId = DocumentIds.ForDocument(collectionName, documentName);
        var existing = await documents.GetAsync(documentId, cancellationToken);
        if (existing is not null && existing.ContentHash == hash && existing.Status != DocumentStatus.Failed)
        {
            // Unchanged re-upload: already indexed or on its way. Nothing to do.
            return new IngestionReceipt(existing.Id, existing.Name, existing.Collection, existing.Status, existing.Status == DocumentStatus.Ready ? null : existing.JobId);
        }

        var payload = JsonSerializer.Serialize(new IngestJobPayload(documentId, collectionName, documentName, hash));
        var job = await jobs.CreateAsync(IngestJobHandler.JobKind, payload, cancellationToken);
        var record = new DocumentRecord(documentId, collectionName, documentName, DocumentStatus.Queued,
            existing?.Chunks ?? 0, bytes, hash, time.GetUtcNow(), JobId: job.Id);
        await documents.SaveAsync(record, cancellationToken);
        try
        {
            await queue.EnqueueAsync(job.Id, job.Kind, cancellationToken);
        }
        catch (Exception ex)
        {
            // The queue refused it (e.g. Redis down): the upload is refused as a whole, and the previous version stays as it was.
            await jobs.FailAsync(job.Id, ex.Message, CancellationToken.None);
            if (existing is null) await documents.DeleteAsync(documentId, CancellationToken.None);
            else await documents.SaveAsync(existing, CancellationToken.None);
            await DeleteBlobIfUnusedAsync(hash, CancellationToken.None);
            throw;
        }
        logger.LogInformation("Queued {Document} in {Collection} ({Bytes} bytes) as job {JobId}", documentName, collectionName, bytes, job.Id);
        return new IngestionReceipt(documentId, documentName, collectionName, DocumentStatus.Queued, job.Id);
    }

    public async Task<bool> DeleteAsync(string documentId, CancellationToken cancellationToken)
    {
        var document = await documents.GetAsync(documentId, cancellationToken);
        if (document is null) return false;
        await indexes.RemoveDocumentAsync(document.Collection, documentId, cancellationToken);
        await documents.DeleteAsync(documentId, cancellationToken);
        await documents.BumpGenerationAsync(document.Collection, cancellationToken);
        await cache.InvalidateCollectionAsync(document.Collection, cancellationToken);
        await DeleteBlobIfUnusedAsync(document.ContentHash, cancellationToken);
        logger.LogInformation("Deleted {Document} from {Collection}", document.Name, document.Collection);
        return true;
    }

    private async Task DeleteBlobIfUnusedAsync(string hash, CancellationToken cancellationToken)
    {
        var all = await documents.ListAsync(null, cancellationToken);
        if (all.All(d => d.ContentHash != hash)) content.Delete(hash);
    }
}

/// <summary>What an <c>ingest</c> job indexes: one version (content hash) of one document.</summary>
public sealed record IngestJobPayload(string DocumentId, string Collection, string Name, string ContentHash);
