namespace RagLab.Contracts;

/// <summary>How one dependency was resolved at start-up: embedded, or the endpoint of an external service.</summary>
/// <param name="Name">E.g. <c>vectors</c>, <c>cache</c>, <c>queue</c>.</param>
/// <param name="Kind">E.g. <c>embedded</c>, <c>qdrant</c>, <c>redis</c>.</param>
public sealed record DependencyStatus(string Name, string Kind, string? Endpoint, string Detail)
{
    public override string ToString() => Endpoint is null ? $"{Name}: {Kind} ({Detail})" : $"{Name}: {Kind} at {Endpoint} ({Detail})";
}

/// <summary>Whether the chat and embedding models answer right now.</summary>
public sealed record ModelsStatus(string Provider, string? Endpoint, string? ChatModel, bool ChatAvailable, string? EmbeddingModel, bool EmbeddingsAvailable, string? Error = null);

/// <summary>How many of a collection's chunks have a vector from one embedding model.</summary>
/// <param name="Model">Its canonical id; null for vectors stored before models were recorded.</param>
public sealed record VectorModelCount(string? Model, int Chunks);

/// <summary>A collection's stored vectors by the model that made them.</summary>
/// <param name="ReembedNeeded">They come from another model than the configured one: dense and hybrid refuse the collection until it is re-embedded.</param>
/// <param name="Reembed">Why, and how: <c>POST /api/collections/{name}/reembed</c> or <c>raglab reembed {name}</c>.</param>
public sealed record CollectionVectorsStatus(string Collection, IReadOnlyList<VectorModelCount> Models, bool ReembedNeeded, string? Reembed);

/// <summary>What the lab is connected to, from <c>GET /api/status</c>.</summary>
/// <param name="DataDirectory">Where the lab keeps its files; shown to admins only (null otherwise).</param>
/// <param name="Collections">The collections with stored vectors, by embedding model, and which need a re-embed.</param>
public sealed record StatusResponse(IReadOnlyList<DependencyStatus> Dependencies, ModelsStatus Models, string? DataDirectory, bool JobsInProcess,
    IReadOnlyList<CollectionVectorsStatus>? Collections = null);
