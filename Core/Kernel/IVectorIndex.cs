
namespace RagLab.Core.Kernel;

/// <summary>A chunk with its embedding.</summary>
public sealed record EmbeddedChunk(Chunk Chunk, ReadOnlyMemory<float> Vector);

/// <summary>A dense vector index over chunks, per collection. The embedded implementation is <see cref="ExactVectorIndex"/>.</summary>
public interface IVectorIndex
{
    /// <summary>Adds or replaces chunks by id.</summary>
    Task UpsertAsync(IReadOnlyList<EmbeddedChunk> chunks, CancellationToken cancellationToken);

    Task DeleteDocumentAsync(string collection, string documentId, CancellationToken cancellationToken);

    /// <summary>Nearest chunks by cosine similarity, best first.</summary>
    Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, ReadOnlyMemory<float> query, int topK, CancellationToken cancellationToken);
}

/// <summary>
/// A vector index that keeps its vectors on disk between runs (the embedded <see cref="ExactVectorIndex"/>), so that a
/// restart reads no vector from the document store for a collection that did not change. Restored rows answer queries
/// once the loader has bound them to the chunks it reads from the store anyway.
/// </summary>
public interface IVectorIndexSnapshots
{
    /// <summary>
    /// At start, before any write: brings back each collection whose snapshot was saved at the generation the store has
    /// now. Returns those collections; the others load from the store as usual.
    /// </summary>
    IReadOnlySet<string> Restore(IReadOnlyDictionary<string, long> generations);

    /// <summary>Gives restored rows their chunks (matched by chunk and document id).</summary>
    void Bind(IReadOnlyList<Chunk> chunks);

    /// <summary>Drops restored rows that no chunk was bound to. Returns how many.</summary>
    int CompleteRestore();

    /// <summary>Saves a snapshot of every collection whose rows changed since its last one, as of the given generations.</summary>
    void SaveSnapshots(IReadOnlyDictionary<string, long> generations);
}
