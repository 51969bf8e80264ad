using System.Text.Json;

namespace RagLab.Infrastructure.Qdrant;

// Bodies of POST /collections/{name}/points/query, named after the schemas in Qdrant's openapi.json.

/// <summary>
/// <c>QueryRequest</c>. <paramref name="Query"/> is a <c>VectorInput</c> (a dense <c>float[]</c> or a <see cref="QdrantSparseVector"/>)
/// or a <see cref="QdrantFusionQuery"/> over <paramref name="Prefetch"/>. <paramref name="Filter"/>: only points it matches are scored.
/// </summary>
public sealed record QdrantQueryRequest(
    object Query,
    int Limit,
    string? Using = null,
    IReadOnlyList<QdrantPrefetch>? Prefetch = null,
    bool WithPayload = true,
    QdrantFilter? Filter = null);

/// <summary><c>Prefetch</c>: a sub-query whose results the outer query fuses. <paramref name="Filter"/>: only points it matches are candidates.</summary>
public sealed record QdrantPrefetch(object Query, string Using, int Limit, QdrantFilter? Filter = null);

/// <summary><c>FusionQuery</c>: <c>rrf</c> or <c>dbsf</c>.</summary>
public sealed record QdrantFusionQuery(string Fusion)
{
    public static readonly QdrantFusionQuery Rrf = new("rrf");
}

/// <summary><c>QueryResponse</c>.</summary>
public sealed record QdrantQueryResponse(IReadOnlyList<QdrantScoredPoint> Points);

/// <summary><c>ScoredPoint</c>. <paramref name="Id"/> is a UUID string or an integer, so it stays raw JSON.</summary>
public sealed record QdrantScoredPoint(JsonElement Id, double Score, IReadOnlyDictionary<string, JsonElement>? Payload);

/// <summary><c>UpdateResult</c>: <c>status</c> is acknowledged, completed or wait_timeout.</summary>
public sealed record QdrantUpdateResult(long? OperationId, string Status);
