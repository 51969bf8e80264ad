using System.Text.Json;
using System.Text.Json.Serialization;

namespace RagLab.Infrastructure.Qdrant;

// Request bodies of the point endpoints, named after the schemas in Qdrant's openapi.json.

/// <summary><c>SparseVector</c>: unique <paramref name="Indices"/> with one value each.</summary>
public sealed record QdrantSparseVector(uint[] Indices, float[] Values)
{
    [JsonIgnore]
    public bool IsEmpty => Indices.Length == 0;
}

/// <summary>
/// <c>PointStruct</c>. <paramref name="Vector"/> maps vector names to a dense <c>float[]</c> or a <see cref="QdrantSparseVector"/>;
/// <paramref name="Id"/> is a UUID string (see <see cref="QdrantPointId"/>).
/// </summary>
public sealed record QdrantPoint(string Id, IReadOnlyDictionary<string, object> Vector, IReadOnlyDictionary<string, object?> Payload);

/// <summary><c>PointsList</c>. <paramref name="UpdateMode"/>: <c>upsert</c> (Qdrant's default when null), <c>insert_only</c> or <c>update_only</c>.</summary>
public sealed record QdrantPointsList(IReadOnlyList<QdrantPoint> Points, string? UpdateMode = null);

/// <summary><c>PointRequest</c> of POST /collections/{name}/points: the points with these <paramref name="Ids"/>.</summary>
public sealed record QdrantPointRequest(IReadOnlyList<string> Ids, bool WithPayload, bool WithVector);

/// <summary><c>Record</c> as retrieved without payload and vectors. <paramref name="Id"/> is a UUID string or an integer, so it stays raw JSON.</summary>
public sealed record QdrantRecord(JsonElement Id);

/// <summary><c>FilterSelector</c>: the points a filter matches.</summary>
public sealed record QdrantFilterSelector(QdrantFilter Filter);

/// <summary>
/// <c>Filter</c>: every <paramref name="Must"/> condition holds, and at least one <paramref name="Should"/> condition when there are any.
/// A condition is a <see cref="QdrantFieldCondition"/> or a <see cref="QdrantIsEmptyCondition"/> (serialized as what it is).
/// </summary>
public sealed record QdrantFilter(IReadOnlyList<object>? Must = null, IReadOnlyList<object>? Should = null)
{
    /// <summary>Points whose payload <paramref name="key"/> equals <paramref name="value"/>.</summary>
    public static QdrantFilter KeywordEquals(string key, string value) => new(Must: [new QdrantFieldCondition(key, new QdrantMatchValue(value))]);
}

/// <summary><c>FieldCondition</c> with a <c>match</c>: a <see cref="QdrantMatchValue"/> or a <see cref="QdrantMatchAny"/>.</summary>
public sealed record QdrantFieldCondition(string Key, object Match);

/// <summary><c>MatchValue</c>: exact match of a keyword.</summary>
public sealed record QdrantMatchValue(string Value);

/// <summary><c>MatchAny</c>: the field (or, for an array field, one of its values) is one of <paramref name="Any"/> (unique strings).</summary>
public sealed record QdrantMatchAny(IReadOnlyList<string> Any);

/// <summary><c>IsEmptyCondition</c>: the field is missing, null or an empty array.</summary>
public sealed record QdrantIsEmptyCondition(QdrantPayloadField IsEmpty);

/// <summary><c>PayloadField</c>.</summary>
public sealed record QdrantPayloadField(string Key);
