
namespace RagLab.Core.Kernel;

/// <summary>Chunk embeddings that were not computed at ingestion (no embedding model was connected then).</summary>
public interface IChunkEmbeddingStore
{
    /// <summary>Up to <paramref name="limit"/> chunks of ready documents that have no embedding yet.</summary>
    Task<IReadOnlyList<Chunk>> GetChunksWithoutEmbeddingAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Stores embeddings by chunk id; ids that no longer exist are ignored.</summary>
    Task SaveEmbeddingsAsync(IReadOnlyDictionary<string, float[]> embeddings, CancellationToken cancellationToken);
}
