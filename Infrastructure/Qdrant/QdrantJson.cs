using System.Text.Json;
using System.Text.Json.Serialization;

namespace RagLab.Infrastructure.Qdrant;

/// <summary>JSON settings matching Qdrant's REST API: snake_case fields, nulls left out (a missing optional field is its default).</summary>
internal static class QdrantJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
