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

/// <summary>What the lab is connected to, from <c>GET /api/status</c>.</summary>
/// <param name="DataDirectory">Where the lab keeps its files; shown to admins only (null otherwise).</param>
public sealed record StatusResponse(IReadOnlyList<DependencyStatus> Dependencies, ModelsStatus Models, string? DataDirectory, bool JobsInProcess);
