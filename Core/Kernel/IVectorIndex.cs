namespace RagLab.Core.Kernel;

/// <summary>A chunk with its embedding.</summary>
public sealed record EmbeddedChunk(Chunk Chunk, ReadOnlyMemory<float> Vector);

/// <summary>A dense vector index over chunks, per collection. The embedded implementation is <c>ExactVectorIndex</c> (Core/Retrieval).</summary>
public interface IVectorIndex
{
    /// <summary>Adds or replaces chunks by id.</summary>
    Task UpsertAsync(IReadOnlyList<EmbeddedChunk> chunks, CancellationToken cancellationToken);

    Task DeleteDocumentAsync(string collection, string documentId, CancellationToken cancellationToken);

    /// <summary>
    /// Nearest chunks that <paramref name="scope"/> may read, by cosine similarity, best first. Chunks of other documents are
    /// skipped before they are scored, so the result is the top K of the readable chunks.
    /// </summary>
    Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, ReadOnlyMemory<float> query, int topK, ReaderScope scope, CancellationToken cancellationToken);
}
