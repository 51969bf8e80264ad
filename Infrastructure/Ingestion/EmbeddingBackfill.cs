using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Caching;
using RagLab.Core.Generation;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;
using RagLab.Core.Ingestion;

namespace RagLab.Infrastructure.Ingestion;

/// <summary>
/// Embeds chunks that were indexed while no embedding model was connected, once one is, so documents loaded on the
/// embedded default become reachable by dense and hybrid retrieval without being uploaded again.
/// Runs in the process that runs jobs (it writes the store and the indexes).
/// </summary>
public sealed class EmbeddingBackfill(
    IChunkEmbeddingStore embeddings,
    IDocumentStore documents,
    IModelProvider models,
    ChunkIndexWriter indexes,
    IAnswerCache cache,
    IOptions<IngestionOptions> options,
    ILogger<EmbeddingBackfill> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The model may have gone away mid-way; what was saved stays saved, the rest waits for the next round.
                logger.LogWarning(ex, "Embedding chunks indexed without a model failed; retrying in {Interval}", options.Value.EmbeddingBackfillInterval);
            }
            await Task.Delay(options.Value.EmbeddingBackfillInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Embeds every chunk still missing an embedding. Returns how many were embedded (0 when no model is connected).</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var generator = await models.GetEmbeddingGeneratorAsync(cancellationToken);
        if (generator is null) return 0;

        var batchSize = Math.Max(1, options.Value.EmbeddingBatchSize);
        var collections = new HashSet<string>(StringComparer.Ordinal);
        var total = 0;
        while (await embeddings.GetChunksWithoutEmbeddingAsync(batchSize, cancellationToken) is { Count: > 0 } batch)
        {
            var vectors = await generator.GenerateAsync(batch.Select(c => c.Text), cancellationToken: cancellationToken);
            var byChunk = batch.Select((chunk, i) => (chunk.Id, Vector: vectors[i].Vector.ToArray())).ToDictionary(p => p.Id, p => p.Vector);
            await embeddings.SaveEmbeddingsAsync(byChunk, cancellationToken);
            await indexes.AddAsync(batch, byChunk, cancellationToken);
            collections.UnionWith(batch.Select(c => c.Collection));
            total += batch.Count;
        }
        foreach (var collection in collections)
        {
            // Hybrid and dense answers change now that these chunks have vectors.
            await documents.BumpGenerationAsync(collection, cancellationToken);
            await cache.InvalidateCollectionAsync(collection, cancellationToken);
        }
        if (total > 0) logger.LogInformation("Embedded {Chunks} chunks that were indexed before an embedding model was connected", total);
        return total;
    }
}
