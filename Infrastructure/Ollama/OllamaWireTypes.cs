using System.Text.Json;
using System.Text.Json.Serialization;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Ollama;

// Request and response bodies of /api/chat and /api/embed, field for field as in api.md and openapi.yaml.

internal sealed record OllamaChatRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("messages")] IReadOnlyList<OllamaWireMessage> Messages,
    [property: JsonPropertyName("stream")] bool Stream,
    [property: JsonPropertyName("options")] IReadOnlyDictionary<string, object>? Options = null,
    [property: JsonPropertyName("format")] JsonElement? Format = null,
    [property: JsonPropertyName("keep_alive")] string? KeepAlive = null);

internal sealed record OllamaWireMessage(
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("content")] string Content,
    [property: JsonPropertyName("images")] IReadOnlyList<string>? Images = null);

/// <summary>One <c>/api/chat</c> object: a stream chunk, the final <c>done</c> chunk, the whole non-streamed answer, or an error line.</summary>
internal sealed record OllamaChatChunk(
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("created_at")] DateTimeOffset? CreatedAt,
    [property: JsonPropertyName("message")] OllamaWireMessage? Message,
    [property: JsonPropertyName("done")] bool Done,
    [property: JsonPropertyName("done_reason")] string? DoneReason,
    [property: JsonPropertyName("total_duration")] long? TotalDuration,
    [property: JsonPropertyName("load_duration")] long? LoadDuration,
    [property: JsonPropertyName("prompt_eval_count")] int? PromptEvalCount,
    [property: JsonPropertyName("prompt_eval_duration")] long? PromptEvalDuration,
    [property: JsonPropertyName("eval_count")] int? EvalCount,
    [property: JsonPropertyName("eval_duration")] long? EvalDuration,
    [property: JsonPropertyName("error")] string? Error);

internal sealed record OllamaEmbedRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("input")] IReadOnlyList<string> Input,
    [property: JsonPropertyName("dimensions")] int? Dimensions = null,
    [property: JsonPropertyName("truncate")] bool? Truncate = null);

internal sealed record OllamaEmbedResponse(
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("embeddings")] float[][]? Embeddings,
    [property: JsonPropertyName("total_duration")] long? TotalDuration,
    [property: JsonPropertyName("load_duration")] long? LoadDuration,
    [property: JsonPropertyName("prompt_eval_count")] int? PromptEvalCount);

internal sealed record OllamaModelRequest(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("stream")] bool? Stream = null);

internal sealed record OllamaErrorBody([property: JsonPropertyName("error")] string? Error);

internal sealed record OllamaVersionResponse([property: JsonPropertyName("version")] string? Version);

internal sealed record OllamaTagsResponse([property: JsonPropertyName("models")] IReadOnlyList<OllamaModel>? Models);

internal static class OllamaJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
