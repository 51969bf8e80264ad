using RagLab.Core.Jobs;
using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;

namespace RagLab.Core.Ingestion;

/// <summary>The input of a <c>reembed</c> job: the collection whose vectors are all made again with the configured model.</summary>
public sealed record ReembedJobPayload(string Collection) : IJobPayload
{
    public static string Kind => VectorReembedding.JobKind;
}

/// <summary>
/// Starts the re-embed of a collection, as a <c>reembed</c> job with progress (count and rate): every chunk gets a vector from
/// the configured embedding model, replacing any from another model. Until it has finished, dense and hybrid refuse the
/// collection (<see cref="VectorModelGuard"/>) and BM25 answers. What a user can get wrong is refused before a job exists.
/// </summary>
public sealed class VectorReembedding(IDocumentStore documents, IChunkEmbeddingStore embeddings, IModelProvider models, IJobStore jobs, IJobQueue queue)
{
    public const string JobKind = "reembed";

    /// <summary>The re-embed job of the collection: a new one, or the one already queued or running.</summary>
    /// <exception cref="ValidationException">A bad collection name, or nothing to re-embed (every chunk has the configured model's vector).</exception>
    /// <exception cref="NotFoundException">The collection has no documents.</exception>
    /// <exception cref="DependencyUnavailableException">No embedding model is connected.</exception>
    public async Task<JobRecord> StartAsync(string collection, CancellationToken cancellationToken)
    {
        var name = CollectionName.Normalize(collection);
        if ((await documents.ListAsync(name, cancellationToken)).Count == 0)
            throw new NotFoundException($"Collection '{name}' has no documents. List collections with GET /api/documents.");
        var generator = await models.GetEmbeddingGeneratorAsync(cancellationToken);
        if (generator is null)
        {
            var status = await models.GetStatusAsync(cancellationToken);
            throw new DependencyUnavailableException("Re-embedding needs an embedding model, and none is connected" + (status.Error is null ? "." : $" ({status.Error}).") +
                " Configure one (RagLab:Embeddings:Model for the in-process model, or RagLab:Ollama:EmbeddingModel), then re-embed.");
        }
        var model = EmbeddingModelId.Of(generator);
        var pending = await embeddings.CountChunksToReembedAsync(name, model, cancellationToken);

        foreach (var job in await jobs.ListUnfinishedAsync(cancellationToken))
            if (job.Kind == JobKind && string.Equals(JobPayloads.Read<ReembedJobPayload>(job).Collection, name, StringComparison.Ordinal))
                return job;
        if (pending == 0)
        {
            var stored = await embeddings.GetVectorModelsAsync(name, cancellationToken);
            throw new ValidationException($"Collection '{name}' is already embedded with {EmbeddingModelId.Canonical(model)} " +
                $"({stored.Sum(m => m.Chunks):N0} chunks): there is nothing to re-embed.");
        }

        var created = await jobs.CreateAsync(new ReembedJobPayload(name), cancellationToken);
        await queue.EnqueueOrFailAsync(jobs, created, cancellationToken);
        return created;
    }
}
