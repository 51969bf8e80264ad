
using RagLab.Core.Kernel;
namespace RagLab.Core.Ingestion;

/// <summary>The outcome of submitting one file: queued for indexing, or already indexed with the same content.</summary>
public sealed record IngestionReceipt(string DocumentId, string Name, string Collection, DocumentStatus Status, string? JobId);

/// <summary>Accepts documents and removes them. Indexing itself runs as an <c>ingest-batch</c> job through <see cref="IngestionPipeline"/>.</summary>
public interface IIngestionService
{
    /// <summary>
    /// Validates the upload (collection name, size, file type), stores it under its content hash, and queues it.
    /// An unchanged re-upload returns the existing document with no job.
    /// </summary>
    /// <exception cref="ValidationException">A bad collection name, unsupported type or over-size file; nothing is stored.</exception>
    Task<IngestionReceipt> SubmitAsync(string? collection, string name, Stream content, CancellationToken cancellationToken) =>
        SubmitAsync(collection, name, content, groups: null, cancellationToken);

    /// <summary>
    /// As <see cref="SubmitAsync(string?, string, Stream, CancellationToken)"/>, readable by <paramref name="groups"/>: null takes the
    /// collection's default groups, an empty list makes it readable by everyone. The same content with other groups is a change
    /// (a new version, indexed again with its new readers).
    /// </summary>
    /// <exception cref="ValidationException">A bad collection name, group name, unsupported type or over-size file; nothing is stored.</exception>
    Task<IngestionReceipt> SubmitAsync(string? collection, string name, Stream content, IReadOnlyList<string>? groups, CancellationToken cancellationToken);

    /// <summary>
    /// Accepts many documents into one collection: each is validated on its own (bad ones are reported in
    /// <see cref="BulkIngestionReceipt.Rejected"/>, the rest accepted), stored under its content hash, and unchanged ones
    /// are skipped. Everything that changed is indexed by ONE <c>ingest-batch</c> job. If enumerating
    /// <paramref name="documents"/> throws, nothing is recorded and the exception propagates.
    /// </summary>
    /// <remarks>
    /// This default submits the documents one by one (one <c>ingest</c> job each; the receipt's <c>JobId</c> is null and
    /// each document receipt carries its own job); <see cref="IngestionService"/> overrides it with the batched path.
    /// </remarks>
    /// <exception cref="ValidationException">A bad collection name or bad options; nothing is stored.</exception>
    async Task<BulkIngestionReceipt> SubmitManyAsync(string? collection, IAsyncEnumerable<DocumentUpload> documents,
        BulkIngestionOptions? options, CancellationToken cancellationToken)
    {
        var collectionName = CollectionName.Normalize(collection);
        var accepted = new List<IngestionReceipt>();
        var rejected = new List<RejectedUpload>();
        await foreach (var upload in documents.WithCancellation(cancellationToken))
        {
            try
            {
                accepted.Add(await SubmitAsync(collectionName, upload.Name, upload.Content, options?.Groups, cancellationToken));
            }
            catch (ValidationException ex)
            {
                rejected.Add(new RejectedUpload(upload.Name, ex.Message));
            }
        }
        return new BulkIngestionReceipt(collectionName, null, accepted, rejected);
    }

    /// <summary>
    /// Stores and indexes one document now, in the caller, and returns its final status (ready, or failed with the
    /// record's error). For work that already runs as a job and must not wait on another job in the same pool.
    /// </summary>
    Task<IngestionReceipt> IngestNowAsync(string? collection, string name, Stream content, CancellationToken cancellationToken);

    /// <summary>Removes the document from the store, every index and every cache. False if it did not exist.</summary>
    Task<bool> DeleteAsync(string documentId, CancellationToken cancellationToken);
}
