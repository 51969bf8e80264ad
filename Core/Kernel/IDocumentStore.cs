using System.Runtime.CompilerServices;

namespace RagLab.Core.Kernel;

/// <summary>
/// The system of record for documents, their text and chunks, and each collection's index generation.
/// Indexes are rebuilt from it at start. The implementation (SQLite or Postgres) is <c>SqlDocumentStore</c>.
/// </summary>
public interface IDocumentStore
{
    Task<DocumentRecord?> GetAsync(string documentId, CancellationToken cancellationToken);

    Task<IReadOnlyList<DocumentRecord>> ListAsync(string? collection, CancellationToken cancellationToken);

    /// <summary>Inserts or updates a document's metadata (not its chunks), as it is, version included.</summary>
    Task SaveAsync(DocumentRecord document, CancellationToken cancellationToken);

    /// <summary>
    /// Records accepted uploads: each document gets the next version of its sequence (one past any version it ever had,
    /// a deleted document's included, so no job of an older version can match it) and is saved with it, all or none.
    /// Returns the records as saved.
    /// </summary>
    Task<IReadOnlyList<DocumentRecord>> SaveNewVersionsAsync(IReadOnlyList<DocumentRecord> documents, CancellationToken cancellationToken);

    /// <summary>
    /// Saves <paramref name="document"/>'s metadata only if the stored document is still at <paramref name="expectedVersion"/>
    /// (a version-checked write: a newer upload or a delete wins). Returns whether it was saved.
    /// </summary>
    Task<bool> SaveIfVersionAsync(DocumentRecord document, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Atomically replaces a document's text, chunks and (optional) chunk embeddings, and marks it with <paramref name="document"/>.</summary>
    Task ReplaceContentAsync(DocumentRecord document, string text, IReadOnlyList<Chunk> chunks,
        IReadOnlyDictionary<string, float[]>? embeddings, CancellationToken cancellationToken);

    Task<IReadOnlyList<Chunk>> GetChunksAsync(string documentId, CancellationToken cancellationToken);

    Task<Chunk?> GetChunkAsync(string chunkId, CancellationToken cancellationToken);

    /// <summary>The chunks with these ids that exist, in any order (how an index that keeps no text reads its top K).</summary>
    async Task<IReadOnlyList<Chunk>> GetChunksByIdAsync(IReadOnlyList<string> chunkIds, CancellationToken cancellationToken)
    {
        var chunks = new List<Chunk>(chunkIds.Count);
        foreach (var id in chunkIds)
        {
            if (await GetChunkAsync(id, cancellationToken).ConfigureAwait(false) is { } chunk) chunks.Add(chunk);
        }
        return chunks;
    }

    /// <summary>The extracted text the chunk spans point into.</summary>
    Task<string?> GetTextAsync(string documentId, CancellationToken cancellationToken);

    /// <summary>Every chunk with its embedding, if it has one, for rebuilding in-process indexes.</summary>
    IAsyncEnumerable<(Chunk Chunk, float[]? Embedding)> ReadAllChunksAsync(string? collection, CancellationToken cancellationToken);

    /// <summary>Every chunk, without reading the embeddings (much less to read), for an index that has its own copy of them.</summary>
    async IAsyncEnumerable<Chunk> ReadAllChunksWithoutEmbeddingsAsync(string? collection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var (chunk, _) in ReadAllChunksAsync(collection, cancellationToken)) yield return chunk;
    }

    /// <summary>
    /// Deletes a document and its chunks; its version sequence is kept (the tombstone), so a job still indexing the deleted
    /// version finds no document at its version and discards its work. Returns false if it did not exist.
    /// </summary>
    Task<bool> DeleteAsync(string documentId, CancellationToken cancellationToken);

    /// <summary>Collections with at least one document.</summary>
    Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken);

    /// <summary>A counter that changes whenever a collection's content changes; part of every answer-cache key.</summary>
    Task<long> GetGenerationAsync(string collection, CancellationToken cancellationToken);

    Task<long> BumpGenerationAsync(string collection, CancellationToken cancellationToken);
}
