using System.Runtime.CompilerServices;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Retrieval;

/// <summary>A document store that counts the whole-collection chunk reads (what a start-up load from the store costs) and passes everything on.</summary>
internal sealed class ChunkReadCountingStore(IDocumentStore inner) : IDocumentStore
{
    private int _reads;
    private int _chunksRead;

    /// <summary>Calls of <see cref="ReadAllChunksAsync"/> and <see cref="ReadAllChunksWithoutEmbeddingsAsync"/>.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Chunks those calls yielded.</summary>
    public int ChunksRead => Volatile.Read(ref _chunksRead);

    public async IAsyncEnumerable<(Chunk Chunk, float[]? Embedding)> ReadAllChunksAsync(string? collection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        await foreach (var row in inner.ReadAllChunksAsync(collection, cancellationToken))
        {
            Interlocked.Increment(ref _chunksRead);
            yield return row;
        }
    }

    public async IAsyncEnumerable<Chunk> ReadAllChunksWithoutEmbeddingsAsync(string? collection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        await foreach (var chunk in inner.ReadAllChunksWithoutEmbeddingsAsync(collection, cancellationToken))
        {
            Interlocked.Increment(ref _chunksRead);
            yield return chunk;
        }
    }

    public Task<DocumentRecord?> GetAsync(string documentId, CancellationToken cancellationToken) => inner.GetAsync(documentId, cancellationToken);

    public Task<IReadOnlyList<DocumentRecord>> ListAsync(string? collection, CancellationToken cancellationToken) => inner.ListAsync(collection, cancellationToken);

    public Task SaveAsync(DocumentRecord document, CancellationToken cancellationToken) => inner.SaveAsync(document, cancellationToken);

    public Task<IReadOnlyList<DocumentRecord>> SaveNewVersionsAsync(IReadOnlyList<DocumentRecord> documents, CancellationToken cancellationToken) =>
        inner.SaveNewVersionsAsync(documents, cancellationToken);

    public Task<bool> SaveIfVersionAsync(DocumentRecord document, long expectedVersion, CancellationToken cancellationToken) =>
        inner.SaveIfVersionAsync(document, expectedVersion, cancellationToken);

    public Task ReplaceContentAsync(DocumentRecord document, string text, IReadOnlyList<Chunk> chunks, IReadOnlyDictionary<string, float[]>? embeddings,
        CancellationToken cancellationToken) => inner.ReplaceContentAsync(document, text, chunks, embeddings, cancellationToken);

    public Task<IReadOnlyList<Chunk>> GetChunksAsync(string documentId, CancellationToken cancellationToken) => inner.GetChunksAsync(documentId, cancellationToken);

    public Task<Chunk?> GetChunkAsync(string chunkId, CancellationToken cancellationToken) => inner.GetChunkAsync(chunkId, cancellationToken);

    public Task<IReadOnlyList<Chunk>> GetChunksByIdAsync(IReadOnlyList<string> chunkIds, CancellationToken cancellationToken) =>
        inner.GetChunksByIdAsync(chunkIds, cancellationToken);

    public Task<string?> GetTextAsync(string documentId, CancellationToken cancellationToken) => inner.GetTextAsync(documentId, cancellationToken);

    public Task<bool> DeleteAsync(string documentId, CancellationToken cancellationToken) => inner.DeleteAsync(documentId, cancellationToken);

    public Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken) => inner.ListCollectionsAsync(cancellationToken);

    public Task<long> GetGenerationAsync(string collection, CancellationToken cancellationToken) => inner.GetGenerationAsync(collection, cancellationToken);

    public Task<long> BumpGenerationAsync(string collection, CancellationToken cancellationToken) => inner.BumpGenerationAsync(collection, cancellationToken);
}
