namespace RagLab.Core.Kernel;

/// <summary>How many chunks of a collection's ready documents have a vector made by <see cref="Model"/>.</summary>
/// <param name="Model">Its canonical id (<see cref="EmbeddingModelId"/>); null for vectors stored before models were recorded.</param>
public sealed record CollectionVectorModel(string Collection, string? Model, int Chunks);

/// <summary>
/// Chunk embeddings computed after ingestion: in the background (the in-process model, or once a model is connected), or
/// again for a whole collection when a re-embed is asked for. Each vector records its model (<see cref="EmbeddingModelId"/>),
/// and a collection's vectors from two models are never mixed: a collection holding another model's vectors waits for its re-embed.
/// </summary>
public interface IChunkEmbeddingStore
{
    /// <summary>
    /// Up to <paramref name="limit"/> chunks of ready documents that have no vector yet, in collections whose vectors all come from
    /// <paramref name="model"/> (or that have none yet). Collections holding another model's vectors are left to their re-embed.
    /// </summary>
    Task<IReadOnlyList<Chunk>> GetChunksWithoutEmbeddingAsync(int limit, string model, CancellationToken cancellationToken);

    /// <summary>How many chunks <see cref="GetChunksWithoutEmbeddingAsync"/> would return with no limit.</summary>
    Task<int> CountChunksWithoutEmbeddingAsync(string model, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> chunks of the collection's ready documents with no vector from <paramref name="model"/>: none yet, or one from another model.</summary>
    Task<IReadOnlyList<Chunk>> GetChunksToReembedAsync(string collection, int limit, string model, CancellationToken cancellationToken);

    /// <summary>How many chunks <see cref="GetChunksToReembedAsync"/> would return with no limit.</summary>
    Task<int> CountChunksToReembedAsync(string collection, string model, CancellationToken cancellationToken);

    /// <summary>The models that made the stored vectors of each collection (or of one), with their chunk counts, by collection then model.</summary>
    Task<IReadOnlyList<CollectionVectorModel>> GetVectorModelsAsync(string? collection, CancellationToken cancellationToken);

    /// <summary>
    /// Stores embeddings made by <paramref name="model"/>, by chunk id; ids that no longer exist are ignored. Their documents are
    /// marked updated at <paramref name="updatedAt"/>, so other processes sharing the store load the new vectors into their indexes.
    /// </summary>
    Task SaveEmbeddingsAsync(IReadOnlyDictionary<string, float[]> embeddings, string model, DateTimeOffset updatedAt, CancellationToken cancellationToken);
}
