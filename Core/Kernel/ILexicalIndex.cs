
namespace RagLab.Core.Kernel;

/// <summary>A keyword index over chunks, per collection. The embedded implementation is <see cref="Bm25Index"/>.</summary>
public interface ILexicalIndex
{
    /// <summary>Adds chunks; a chunk id already present is replaced.</summary>
    Task AddAsync(IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken);

    /// <summary>Removes every chunk of a document from the index.</summary>
    Task DeleteDocumentAsync(string collection, string documentId, CancellationToken cancellationToken);

    /// <summary>The best <paramref name="topK"/> chunks, best first; ties broken by chunk id for stable results.</summary>
    Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, string query, int topK, CancellationToken cancellationToken);
}
