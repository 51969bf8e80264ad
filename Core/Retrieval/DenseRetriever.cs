using Microsoft.Extensions.AI;
using RagLab.Core.Telemetry;
using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval;

/// <summary>
/// Semantic retrieval: embeds the query with the connected embedding model and finds the nearest chunks by
/// cosine similarity in an <see cref="IVectorIndex"/>. Needs an embedding model, the same one that made the collection's vectors:
/// with <paramref name="vectorModels"/>, a collection embedded by another model is refused (it needs a re-embed), never searched.
/// </summary>
public sealed class DenseRetriever(IVectorIndex index, IModelProvider models, VectorModelGuard? vectorModels = null) : IRetriever
{
    /// <summary>What to do when no embedding model is connected.</summary>
    public const string NoEmbeddingModelMessage =
        "Dense retrieval needs an embedding model, and none is connected. Start Ollama with an embedding model " +
        "(for example `ollama pull all-minilm`) or configure RagLab:Ollama (its endpoint and embedding model), then try again; " +
        "the bm25 retriever works without a model.";

    private readonly IVectorIndex _index = index ?? throw new ArgumentNullException(nameof(index));
    private readonly IModelProvider _models = models ?? throw new ArgumentNullException(nameof(models));

    public string Name => RetrieverNames.Dense;

    public bool RequiresEmbeddings => true;

    public Task<IReadOnlyList<RetrievalHit>> RetrieveAsync(RetrievalQuery query, CancellationToken cancellationToken) =>
        InstrumentedRetrieval.RunAsync(Name, query, async (q, ct) => InstrumentedRetrieval.ToHits(await SearchAsync(q, ct).ConfigureAwait(false)), cancellationToken);

    /// <summary>The index's ranking without a span of its own (used by <see cref="HybridRetriever"/>).</summary>
    /// <exception cref="DependencyUnavailableException">No embedding model is connected.</exception>
    /// <exception cref="ReembedRequiredException">The collection's vectors come from another model.</exception>
    internal async Task<IReadOnlyList<ScoredChunk>> SearchAsync(RetrievalQuery query, CancellationToken cancellationToken)
    {
        var generator = await _models.GetEmbeddingGeneratorAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new DependencyUnavailableException(NoEmbeddingModelMessage);
        if (vectorModels is not null)
            await vectorModels.EnsureSameModelAsync(query.Collection, EmbeddingModelId.Of(generator), cancellationToken).ConfigureAwait(false);
        ReadOnlyMemory<float> vector;
        using (var activity = RagLabTelemetry.ActivitySource.StartActivity("embed"))
        {
            activity?.SetTag("raglab.inputs", 1);
            GeneratedEmbeddings<Embedding<float>> embeddings;
            try
            {
                embeddings = await generator.GenerateAsync([query.Text], EmbeddingInputKind.QueryOptions(), cancellationToken).ConfigureAwait(false);
            }
            catch (ModelCallException ex)
            {
                throw new DependencyUnavailableException(
                    $"The embedding model could not embed the query ({ex.Message}). Check that Ollama is running and the embedding model " +
                    "is pulled (for example `ollama pull all-minilm`), or use the bm25 retriever.");
            }
            if (embeddings.Count == 0 || embeddings[0].Vector.Length == 0)
                throw new DependencyUnavailableException("The embedding model returned no vector for the query. Check that the configured embedding model is an embedding model (for example all-minilm), not a chat model.");
            vector = embeddings[0].Vector;
        }
        return await _index.SearchAsync(query.Collection, vector, query.TopK, query.Scope, cancellationToken).ConfigureAwait(false);
    }
}
