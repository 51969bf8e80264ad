using System.Text.Json;
using System.Text.Json.Nodes;

namespace RagLab.Testing;

/// <summary>
/// Field names of the request schemas in reference/qdrant/openapi.json (v1.19), for the strict body checks of the fake.
/// The fake rejects unknown fields ("unknown field `x`, expected one of ...", Qdrant's wording where it does so) to catch misspelt fields.
/// </summary>
public static class FakeQdrantSchema
{
    public static readonly string[] CreateCollection = ["vectors", "shard_number", "sharding_method", "replication_factor", "write_consistency_factor", "on_disk_payload", "payload", "hnsw_config", "wal_config", "optimizers_config", "quantization_config", "sparse_vectors", "strict_mode_config", "metadata"];
    public static readonly string[] VectorParams = ["size", "distance", "hnsw_config", "quantization_config", "on_disk", "memory", "datatype", "multivector_config"];
    public static readonly string[] SparseVectorParams = ["index", "modifier"];
    public static readonly string[] CreateFieldIndex = ["field_name", "field_schema"];
    public static readonly string[] PointsList = ["points", "shard_key", "update_filter", "update_mode"];
    public static readonly string[] PointStruct = ["id", "vector", "payload"];
    public static readonly string[] SparseVector = ["indices", "values"];
    public static readonly string[] PointIdsList = ["points", "shard_key"];
    public static readonly string[] PointRequest = ["shard_key", "ids", "with_payload", "with_vector"];
    public static readonly string[] FilterSelector = ["filter", "shard_key"];
    public static readonly string[] Filter = ["should", "min_should", "must", "must_not"];
    public static readonly string[] FieldCondition = ["key", "match", "range", "geo_bounding_box", "geo_radius", "geo_polygon", "values_count", "is_empty", "is_null"];
    public static readonly string[] MatchValue = ["value"];
    public static readonly string[] MatchAny = ["any"];
    public static readonly string[] IsEmptyCondition = ["is_empty"];
    public static readonly string[] PayloadField = ["key"];
    public static readonly string[] QueryRequest = ["shard_key", "prefetch", "query", "using", "filter", "params", "score_threshold", "limit", "offset", "with_vector", "with_payload", "lookup_from"];
    public static readonly string[] Prefetch = ["prefetch", "query", "using", "filter", "params", "score_threshold", "limit", "lookup_from"];

    public static readonly string[] Distances = ["Cosine", "Euclid", "Dot", "Manhattan"];
    public static readonly string[] Modifiers = ["none", "idf"];
    public static readonly string[] PayloadSchemaTypes = ["keyword", "integer", "float", "geo", "text", "bool", "datetime", "uuid"];
    public static readonly string[] UpdateModes = ["upsert", "insert_only", "update_only"];
    public static readonly string[] Fusions = ["rrf", "dbsf"];

    /// <summary>The object itself, after checking it has only <paramref name="allowed"/> fields and all of <paramref name="required"/>.</summary>
    public static JsonObject Object(JsonNode? node, string schema, string[] allowed, params string[] required)
    {
        if (node is not JsonObject obj)
            throw FakeQdrantException.BadRequest($"Format error in JSON body: invalid type: expected struct {schema}");
        foreach (var (name, _) in obj)
        {
            if (!allowed.Contains(name))
                throw FakeQdrantException.BadRequest($"Format error in JSON body: unknown field `{name}`, expected one of {string.Join(", ", allowed.Select(a => $"`{a}`"))}");
        }
        foreach (var name in required)
        {
            if (obj[name] is null)
                throw FakeQdrantException.BadRequest($"Format error in JSON body: missing field `{name}`");
        }
        return obj;
    }

    public static string OneOf(JsonNode? node, string field, string[] allowed)
    {
        var value = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        if (value is null || !allowed.Contains(value))
            throw FakeQdrantException.BadRequest($"Format error in JSON body: {field}: unknown variant `{node?.ToJsonString()}`, expected one of {string.Join(", ", allowed.Select(a => $"`{a}`"))}");
        return value;
    }

    /// <summary>A boolean field; the fake does not implement the selector forms some of them also allow.</summary>
    public static bool Flag(JsonNode? node, string field) =>
        node is JsonValue value && value.TryGetValue<bool>(out var flag)
            ? flag
            : throw FakeQdrantException.BadRequest($"The fake Qdrant implements only {field} true/false");

    /// <summary>A point id: an unsigned integer or a UUID string, returned in canonical form.</summary>
    public static string PointId(JsonNode? node)
    {
        if (node is JsonValue value)
        {
            if (value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<ulong>(out var number)) return number.ToString();
            if (value.TryGetValue<string>(out var text) && Guid.TryParse(text, out var uuid)) return uuid.ToString("D");
        }
        throw FakeQdrantException.BadRequest($"Format error in JSON body: Unable to parse UUID: {node?.ToJsonString()}");
    }

    public static float[] FloatArray(JsonNode? node, string field)
    {
        if (node is not JsonArray array || array.Any(e => e is not JsonValue v || v.GetValueKind() != JsonValueKind.Number))
            throw FakeQdrantException.BadRequest($"Format error in JSON body: {field} must be an array of numbers");
        return array.Select(e => e!.GetValue<float>()).ToArray();
    }

    /// <summary>A <c>SparseVector</c> as index → value, checking equal lengths and unique indices as Qdrant does.</summary>
    public static Dictionary<uint, float> Sparse(JsonNode? node, string field)
    {
        var obj = Object(node, "SparseVector", SparseVector, "indices", "values");
        if (obj["indices"] is not JsonArray indices || indices.Any(e => e is not JsonValue v || !v.TryGetValue<uint>(out _)))
            throw FakeQdrantException.BadRequest($"Format error in JSON body: {field}.indices must be an array of unsigned 32-bit integers");
        var values = FloatArray(obj["values"], $"{field}.values");
        if (indices.Count != values.Length)
            throw FakeQdrantException.BadRequest($"Validation error in JSON body: [{field}: must be the same length as indices]");
        var result = new Dictionary<uint, float>();
        for (var i = 0; i < values.Length; i++)
        {
            if (!result.TryAdd(indices[i]!.GetValue<uint>(), values[i]))
                throw FakeQdrantException.BadRequest($"Validation error in JSON body: [{field}: indices must be unique]");
        }
        return result;
    }

    public static bool IsSparse(JsonNode? node) => node is JsonObject obj && obj.ContainsKey("indices");
}
