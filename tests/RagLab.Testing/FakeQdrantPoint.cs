using System.Text.Json.Nodes;

namespace RagLab.Testing;

/// <summary>A point stored by the fake Qdrant. Dense vectors of Cosine vectors are stored normalised, as Qdrant does.</summary>
public sealed record FakeQdrantPoint(
    string Id,
    IReadOnlyDictionary<string, float[]> Dense,
    IReadOnlyDictionary<string, Dictionary<uint, float>> Sparse,
    JsonObject Payload,
    long Version);
