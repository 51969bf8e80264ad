
using RagLab.Core.Kernel;
namespace RagLab.Core.Ingestion;

/// <summary>Bulk writes through <see cref="IBulkDocumentStore"/> when the store has it, else one call per document.</summary>
public static class DocumentStoreBulkExtensions
{
    public static async Task SaveManyAsync(this IDocumentStore store, IReadOnlyList<DocumentRecord> documents, CancellationToken cancellationToken)
    {
        if (store is IBulkDocumentStore bulk)
        {
            await bulk.SaveManyAsync(documents, cancellationToken);
            return;
        }
        foreach (var document in documents) await store.SaveAsync(document, cancellationToken);
    }

    public static async Task<IReadOnlyList<string>> ReplaceContentManyAsync(this IDocumentStore store, IReadOnlyList<DocumentContent> entries, CancellationToken cancellationToken)
    {
        if (store is IBulkDocumentStore bulk) return await bulk.ReplaceContentManyAsync(entries, cancellationToken);
        var written = new List<string>(entries.Count);
        foreach (var entry in entries)
        {
            var current = await store.GetAsync(entry.Document.Id, cancellationToken);
            if (current is null || !SameVersion(current, entry.Document)) continue;
            await store.ReplaceContentAsync(entry.Document, entry.Text, entry.Chunks, entry.Embeddings, cancellationToken);
            written.Add(entry.Document.Id);
        }
        return written;
    }

    public static async Task<IReadOnlyList<string>> MarkReadyAsync(this IDocumentStore store, string collection, IReadOnlyList<DocumentRecord> documents, CancellationToken cancellationToken)
    {
        if (store is IBulkDocumentStore bulk) return await bulk.MarkReadyAsync(collection, documents, cancellationToken);
        var marked = new List<string>(documents.Count);
        foreach (var document in documents)
        {
            var current = await store.GetAsync(document.Id, cancellationToken);
            if (current is null || !SameVersion(current, document) || current.Status != DocumentStatus.Indexing) continue;
            await store.SaveAsync(current with { Status = DocumentStatus.Ready, UpdatedAt = document.UpdatedAt }, cancellationToken);
            marked.Add(document.Id);
        }
        // Ready first, then the generation: whoever sees the new generation also sees the documents ready.
        await store.BumpGenerationAsync(collection, cancellationToken);
        return marked;
    }

    private static bool SameVersion(DocumentRecord stored, DocumentRecord written) =>
        stored.Version == written.Version && stored.ContentHash == written.ContentHash;

    public static async Task<bool> IsContentReferencedAsync(this IDocumentStore store, string contentHash, CancellationToken cancellationToken)
    {
        if (store is IBulkDocumentStore bulk) return await bulk.IsContentReferencedAsync(contentHash, cancellationToken);
        return (await store.ListAsync(null, cancellationToken)).Any(d => d.ContentHash == contentHash);
    }
}
