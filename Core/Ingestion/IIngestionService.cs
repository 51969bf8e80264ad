using RagLab.Core.Storage;

namespace RagLab.Core.Ingestion;

/// <summary>The outcome of submitting one file: queued for indexing, or already indexed with the same content.</summary>
public sealed record IngestionReceipt(string DocumentId, string Name, string Collection, DocumentStatus Status, string? JobId);

/// <summary>Accepts documents and removes them. Indexing itself runs as an <c>ingest</c> job.</summary>
public interface IIngestionService
{
    /// <summary>
    /// Validates the upload (collection name, size, file type), stores it under its content hash, and queues it.
    /// An unchanged re-upload returns the existing document with no job.
    /// </summary>
    /// <exception cref="ValidationException">A bad collection name, unsupported type or over-size file; nothing is stored.</exception>
    Task<IngestionReceipt> SubmitAsync(string? collection, string name, Stream content, CancellationToken cancellationToken);

    /// <summary>Removes the document from the store, every index and every cache. False if it did not exist.</summary>
    Task<bool> DeleteAsync(string documentId, CancellationToken cancellationToken);
}
