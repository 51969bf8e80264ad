using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion;

/// <summary>Vectors by chunk id, with the model that made them (stored with each vector).</summary>
public sealed class ModelEmbeddings(string model, int capacity = 0) : Dictionary<string, float[]>(capacity, StringComparer.Ordinal)
{
    public string Model { get; } = model;
}

/// <summary>Embeds chunks in batches of the configured size, keyed by chunk id.</summary>
public static class ChunkEmbedder
{
    /// <param name="onBatch">Called after each batch with the number of chunks embedded so far (for progress).</param>
    public static async Task<Dictionary<string, float[]>> EmbedAsync(IEmbeddingGenerator<string, Embedding<float>> generator,
        IReadOnlyList<Chunk> chunks, int batchSize, Func<int, Task>? onBatch, CancellationToken cancellationToken)
    {
        var embeddings = new ModelEmbeddings(ModelOf(generator), chunks.Count);
        batchSize = Math.Max(1, batchSize);
        for (var i = 0; i < chunks.Count; i += batchSize)
        {
            var batch = chunks.Skip(i).Take(batchSize).ToList();
            var vectors = await generator.GenerateAsync(batch.Select(c => c.Text), cancellationToken: cancellationToken);
            for (var j = 0; j < batch.Count; j++) embeddings[batch[j].Id] = vectors[j].Vector.ToArray();
            if (onBatch is not null) await onBatch(i + batch.Count);
        }
        return embeddings;
    }

    /// <summary>The model a generator runs (its metadata's default model id), as recorded with each vector.</summary>
    public static string ModelOf(IEmbeddingGenerator<string, Embedding<float>> generator) => EmbeddingModelId.Of(generator);
}
