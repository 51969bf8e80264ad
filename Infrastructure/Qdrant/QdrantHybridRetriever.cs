using System.Diagnostics;
using RagLab.Core.Retrieval;
using RagLab.Core.Telemetry;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Qdrant;

/// <summary>
/// Hybrid retrieval done by Qdrant in one request: a dense prefetch and a BM25 prefetch fused by Reciprocal Rank Fusion.
/// </summary>
public sealed class QdrantHybridRetriever(QdrantChunkIndex index, IModelProvider models, VectorModelGuard? vectorModels = null) : IRetriever
{
    /// <summary>Each prefetch returns at least this many candidates, so chunks ranked well by only one side still reach the fusion.</summary>
    public const int MinCandidates = 50;

    public string Name => RetrieverNames.Hybrid;

    public bool RequiresEmbeddings => true;

    /// <exception cref="DependencyUnavailableException">No embedding model is connected.</exception>
    /// <exception cref="ReembedRequiredException">The collection's vectors come from another model.</exception>
    public async Task<IReadOnlyList<RetrievalHit>> RetrieveAsync(RetrievalQuery query, CancellationToken cancellationToken)
    {
        using var activity = RagLabTelemetry.ActivitySource.StartActivity("retrieve");
        activity?.SetTag("raglab.retriever", Name);
        activity?.SetTag("raglab.collection", query.Collection);
        var started = Stopwatch.GetTimestamp();

        var generator = await models.GetEmbeddingGeneratorAsync(cancellationToken)
            ?? throw new DependencyUnavailableException(
                "Hybrid retrieval needs an embedding model, and none is connected. Start the model server with an embedding model " +
                "(the AppHost pulls 'all-minilm'), or use the 'bm25' retriever.");
        if (vectorModels is not null)
            await vectorModels.EnsureSameModelAsync(query.Collection, EmbeddingModelId.Of(generator), cancellationToken);

        var embeddings = await generator.GenerateAsync([query.Text], EmbeddingInputKind.QueryOptions(), cancellationToken);
        if (embeddings.Count == 0)
            throw new DependencyUnavailableException("The embedding model returned no embedding for the query. Check the model server's logs.");

        var candidates = Math.Max(query.TopK, MinCandidates);
        var chunks = await index.HybridSearchAsync(query.Collection, query.Text, embeddings[0].Vector, query.TopK, candidates, query.Scope, cancellationToken);
        var hits = chunks.Select((c, i) => new RetrievalHit(i + 1, c.Score, c.Chunk)).ToList();

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        RagLabTelemetry.RetrievalDuration.Record(elapsed, new KeyValuePair<string, object?>("raglab.retriever", Name));
        activity?.SetTag("raglab.hits", hits.Count);
        return hits;
    }
}
