using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;

namespace RagLab.Infrastructure.Hosting;

/// <summary>How one dependency was resolved at start-up: embedded, or the endpoint of an external service.</summary>
public sealed record DependencyChoice(string Name, string Kind, string? Endpoint, string Detail)
{
    public override string ToString() => Endpoint is null ? $"{Name}: {Kind} ({Detail})" : $"{Name}: {Kind} at {Endpoint} ({Detail})";
}

/// <summary>The resolved configuration, logged at start and served at <c>GET /api/status</c>.</summary>
public sealed class RagLabStatus(IReadOnlyList<DependencyChoice> dependencies, IModelProvider models, string dataDirectory, bool jobsInProcess,
    IDocumentStore? documents = null, VectorModelGuard? vectorModels = null)
{
    public IReadOnlyList<DependencyChoice> Dependencies => dependencies;

    public async Task<StatusReport> GetAsync(CancellationToken cancellationToken)
    {
        var status = await models.GetStatusAsync(cancellationToken);
        return new(dependencies, status, dataDirectory, jobsInProcess, await GetVectorsAsync(status, cancellationToken));
    }

    /// <summary>Per collection with stored vectors: the models that made them, and whether the configured model needs them re-embedded.</summary>
    private async Task<IReadOnlyList<CollectionVectors>> GetVectorsAsync(ModelStatus status, CancellationToken cancellationToken)
    {
        if (documents is null || vectorModels is null) return [];
        var generator = status.EmbeddingsAvailable ? await models.GetEmbeddingGeneratorAsync(cancellationToken) : null;
        var configured = generator is null ? status.EmbeddingModel : EmbeddingModelId.Of(generator);
        var collections = new List<CollectionVectors>();
        foreach (var collection in await documents.ListCollectionsAsync(cancellationToken))
        {
            var stored = await vectorModels.GetModelsAsync(collection, cancellationToken);
            if (stored.Count == 0) continue;
            var others = string.IsNullOrWhiteSpace(configured) ? [] : await vectorModels.OtherModelsAsync(collection, configured, cancellationToken);
            collections.Add(new CollectionVectors(collection, stored, others.Count > 0 ? VectorModelGuard.Describe(collection, configured!, others) : null));
        }
        return collections;
    }
}

/// <param name="Models">Live: whether the chat and embedding models answer right now.</param>
/// <param name="DataDirectory">The absolute data directory; null when hidden from the caller.</param>
/// <param name="Vectors">The collections with stored vectors, by the model that made them.</param>
public sealed record StatusReport(IReadOnlyList<DependencyChoice> Dependencies, ModelStatus Models, string? DataDirectory, bool JobsInProcess,
    IReadOnlyList<CollectionVectors> Vectors)
{
    /// <summary>The report without server paths: no data directory, and the dependencies' details say "the data directory" instead of it.</summary>
    public StatusReport WithoutPaths()
    {
        if (DataDirectory is not { Length: > 0 } directory) return this;
        return this with
        {
            DataDirectory = null,
            Dependencies = [.. Dependencies.Select(d => d with { Detail = d.Detail.Replace(directory, "<data directory>", StringComparison.Ordinal) })],
        };
    }
}

/// <summary>A collection's stored vectors by model; <see cref="Reembed"/> says why and how to re-embed it when the configured model differs.</summary>
public sealed record CollectionVectors(string Collection, IReadOnlyList<CollectionVectorModel> Models, string? Reembed);
