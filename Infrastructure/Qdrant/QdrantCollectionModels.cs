using System.Text.Json;

namespace RagLab.Infrastructure.Qdrant;

// Request and response bodies of the collection endpoints, named after the schemas in Qdrant's openapi.json.

/// <summary><c>CreateCollection</c>: named dense vectors and named sparse vectors.</summary>
public sealed record QdrantCreateCollection(
    IReadOnlyDictionary<string, QdrantVectorParams>? Vectors,
    IReadOnlyDictionary<string, QdrantSparseVectorParams>? SparseVectors);

/// <summary><c>VectorParams</c>. <paramref name="Distance"/> is one of Cosine, Euclid, Dot, Manhattan.</summary>
public sealed record QdrantVectorParams(int Size, string Distance);

/// <summary><c>SparseVectorParams</c>. <paramref name="Modifier"/> is <c>none</c> or <c>idf</c>.</summary>
public sealed record QdrantSparseVectorParams(string? Modifier);

/// <summary><c>CreateFieldIndex</c> with a plain <c>PayloadSchemaType</c> such as <c>keyword</c>.</summary>
public sealed record QdrantCreateFieldIndex(string FieldName, string FieldSchema);

/// <summary>The part of <c>CollectionInfo</c> RagLab reads: <c>config.params</c>.</summary>
public sealed record QdrantCollectionInfo(QdrantCollectionConfig Config);

public sealed record QdrantCollectionConfig(QdrantCollectionParams Params);

/// <summary>
/// <c>CollectionParams</c>. <see cref="Vectors"/> is either one <c>VectorParams</c> (unnamed vector) or a map of named ones,
/// so it stays raw JSON; <see cref="DenseVectorSize"/> reads it.
/// </summary>
public sealed record QdrantCollectionParams(JsonElement? Vectors, IReadOnlyDictionary<string, QdrantSparseVectorParams>? SparseVectors)
{
    /// <summary>The size of the named vector <paramref name="name"/>, or null when the collection has no such vector.</summary>
    public int? DenseVectorSize(string name) =>
        Vectors is { ValueKind: JsonValueKind.Object } vectors
        && vectors.TryGetProperty(name, out var named)
        && named.ValueKind == JsonValueKind.Object
        && named.TryGetProperty("size", out var size)
        && size.TryGetInt32(out var value)
            ? value
            : null;
}

/// <summary><c>VersionInfo</c>, the body of <c>GET /</c> (not wrapped in a <c>result</c>).</summary>
public sealed record QdrantVersionInfo(string? Title, string? Version, string? Commit);
