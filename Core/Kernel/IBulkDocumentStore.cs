
namespace RagLab.Core.Kernel;

/// <summary>
/// Writes of many documents in one transaction, for bulk ingestion. <c>SqlDocumentStore</c> implements it;
/// for any other <see cref="IDocumentStore"/>, <c>DocumentStoreBulkExtensions</c> falls back to one call per document.
/// </summary>
public interface IBulkDocumentStore
{
    /// <summary>Inserts or updates the metadata of many documents (not their chunks), all or none.</summary>
    Task SaveManyAsync(IReadOnlyList<DocumentRecord> documents, CancellationToken cancellationToken);

    /// <summary>
    /// For each entry whose stored document is still at the entry's version (and content hash), replaces its text, chunks
    /// and embeddings and sets its record, all in one transaction. Entries whose document was deleted or replaced by a newer
    /// upload meanwhile are left alone. Returns the ids of the documents written.
    /// </summary>
    Task<IReadOnlyList<string>> ReplaceContentManyAsync(IReadOnlyList<DocumentContent> entries, CancellationToken cancellationToken);

    /// <summary>
    /// Marks ready each document still stored at the record's version (and content hash) with status indexing, and bumps the
    /// collection's generation, in one transaction: a process that sees the new generation also sees the documents ready.
    /// Returns the ids of the documents marked.
    /// </summary>
    Task<IReadOnlyList<string>> MarkReadyAsync(string collection, IReadOnlyList<DocumentRecord> documents, CancellationToken cancellationToken);

    /// <summary>Whether any document still refers to the blob with this content hash.</summary>
    Task<bool> IsContentReferencedAsync(string contentHash, CancellationToken cancellationToken);
}

/// <summary>A document version's indexed content, as <see cref="IBulkDocumentStore.ReplaceContentManyAsync"/> writes it.</summary>
public sealed record DocumentContent(DocumentRecord Document, string Text, IReadOnlyList<Chunk> Chunks, IReadOnlyDictionary<string, float[]>? Embeddings);
