using System.Text.Json;
using System.Text.Json.Serialization;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Ollama;

/// <summary>A locally available model, as listed by <c>GET /api/tags</c>.</summary>
public sealed record OllamaModel(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("model")] string? Model = null,
    [property: JsonPropertyName("modified_at")] DateTimeOffset? ModifiedAt = null,
    [property: JsonPropertyName("size")] long? Size = null,
    [property: JsonPropertyName("digest")] string? Digest = null,
    [property: JsonPropertyName("details")] OllamaModelDetails? Details = null)
{
    /// <summary>True when this is <paramref name="modelName"/>, treating a missing tag as <c>:latest</c> as Ollama does.</summary>
    public bool Matches(string modelName) =>
        OllamaModelName.SameModel(Name, modelName) || (Model is not null && OllamaModelName.SameModel(Model, modelName));
}

/// <summary>Format, family and size of a model (<c>details</c> in <c>/api/tags</c> and <c>/api/show</c>).</summary>
public sealed record OllamaModelDetails(
    [property: JsonPropertyName("parent_model")] string? ParentModel = null,
    [property: JsonPropertyName("format")] string? Format = null,
    [property: JsonPropertyName("family")] string? Family = null,
    [property: JsonPropertyName("families")] IReadOnlyList<string>? Families = null,
    [property: JsonPropertyName("parameter_size")] string? ParameterSize = null,
    [property: JsonPropertyName("quantization_level")] string? QuantizationLevel = null);

/// <summary>What <c>POST /api/show</c> says about a model.</summary>
/// <param name="ModelInfo">Architecture metadata such as <c>llama.context_length</c>; values vary by key.</param>
/// <param name="Capabilities">E.g. <c>completion</c>, <c>embedding</c>, <c>vision</c>, <c>tools</c>.</param>
public sealed record OllamaShowResponse(
    [property: JsonPropertyName("modelfile")] string? Modelfile = null,
    [property: JsonPropertyName("parameters")] string? Parameters = null,
    [property: JsonPropertyName("template")] string? Template = null,
    [property: JsonPropertyName("license")] string? License = null,
    [property: JsonPropertyName("modified_at")] DateTimeOffset? ModifiedAt = null,
    [property: JsonPropertyName("details")] OllamaModelDetails? Details = null,
    [property: JsonPropertyName("model_info")] IReadOnlyDictionary<string, JsonElement>? ModelInfo = null,
    [property: JsonPropertyName("capabilities")] IReadOnlyList<string>? Capabilities = null);

/// <summary>One progress line of <c>POST /api/pull</c>. <see cref="Total"/> and <see cref="Completed"/> are bytes of the current layer.</summary>
public sealed record OllamaPullProgress(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("digest")] string? Digest = null,
    [property: JsonPropertyName("total")] long? Total = null,
    [property: JsonPropertyName("completed")] long? Completed = null)
{
    /// <summary>0–100 for a download line with a known total, else null.</summary>
    [JsonIgnore]
    public double? Percent => Total is > 0 ? 100.0 * (Completed ?? 0) / Total.Value : null;

    [JsonIgnore]
    public bool IsSuccess => Status == "success";
}

internal static class OllamaModelName
{
    /// <summary>Ollama defaults a missing tag to <c>latest</c> (api.md, "Model names").</summary>
    public static string Normalize(string name)
    {
        var trimmed = name.Trim();
        var lastSegment = trimmed[(trimmed.LastIndexOf('/') + 1)..];
        return lastSegment.Contains(':') ? trimmed : trimmed + ":latest";
    }

    public static bool SameModel(string a, string b) => string.Equals(Normalize(a), Normalize(b), StringComparison.OrdinalIgnoreCase);
}
