
namespace RagLab.Core.Kernel;

/// <summary>A keyword index over chunks, per collection. The embedded implementation is <c>Bm25Index</c> (Core/Retrieval).</summary>
public interface ILexicalIndex
{
    /// <summary>Adds chunks; a chunk id already present is replaced.</summary>
    Task AddAsync(IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken);

    /// <summary>Removes every chunk of a document from the index.</summary>
    Task DeleteDocumentAsync(string collection, string documentId, CancellationToken cancellationToken);

    /// <summary>
    /// The best <paramref name="topK"/> chunks that <paramref name="scope"/> may read, best first; ties broken by chunk id for stable
    /// results. Chunks of other documents are skipped before they are scored, so the result is the top K of the readable chunks.
    /// </summary>
    Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, string query, int topK, ReaderScope scope, CancellationToken cancellationToken);
}

/// <summary>A chunk id an index matched and its score, before the chunk is read from the store.</summary>
public readonly record struct LexicalMatch(string ChunkId, double Score);
