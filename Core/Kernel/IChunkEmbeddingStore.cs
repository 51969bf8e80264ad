
namespace RagLab.Core.Kernel;

/// <summary>
/// Chunk embeddings computed after ingestion: in the background (the in-process model), once a model is connected, or again
/// because the stored ones came from another model. Each vector records its model (<see cref="EmbeddingModelId"/>).
/// </summary>
public interface IChunkEmbeddingStore
{
    /// <summary>Up to <paramref name="limit"/> chunks of ready documents with no vector from <paramref name="model"/>: none yet, or one from another model.</summary>
    Task<IReadOnlyList<Chunk>> GetChunksWithoutEmbeddingAsync(int limit, string model, CancellationToken cancellationToken);

    /// <summary>How many chunks <see cref="GetChunksWithoutEmbeddingAsync"/> would return with no limit.</summary>
    Task<int> CountChunksWithoutEmbeddingAsync(string model, CancellationToken cancellationToken);

    /// <summary>Stores embeddings made by <paramref name="model"/>, by chunk id; ids that no longer exist are ignored.</summary>
    Task SaveEmbeddingsAsync(IReadOnlyDictionary<string, float[]> embeddings, string model, CancellationToken cancellationToken);
}
