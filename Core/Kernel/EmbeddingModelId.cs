using Microsoft.Extensions.AI;

namespace RagLab.Core.Kernel;

/// <summary>
/// The identity of the model that made a vector, as stored with each vector. Names that serve the same weights
/// canonicalise to one id, so vectors from Ollama's <c>all-minilm</c> and from the bundled all-MiniLM-L6-v2 are
/// interchangeable, and vectors from any other model are never mixed in.
/// </summary>
public static class EmbeddingModelId
{
    // Ollama tags and Hugging Face names of the same weights (Ollama's all-minilm:latest is the 22m = L6 model, :33m is L12).
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["all-minilm"] = "all-minilm-l6-v2",
        ["all-minilm:22m"] = "all-minilm-l6-v2",
        ["all-minilm:l6-v2"] = "all-minilm-l6-v2",
        ["all-minilm-l6-v2"] = "all-minilm-l6-v2",
        ["sentence-transformers/all-minilm-l6-v2"] = "all-minilm-l6-v2",
        ["all-minilm:33m"] = "all-minilm-l12-v2",
        ["all-minilm:l12-v2"] = "all-minilm-l12-v2",
        ["snowflake-arctic-embed:xs"] = "snowflake-arctic-embed-xs",
        ["snowflake/snowflake-arctic-embed-xs"] = "snowflake-arctic-embed-xs",
    };

    /// <summary>The canonical id of <paramref name="model"/>: lower case, without Ollama's <c>:latest</c> tag, aliases resolved.</summary>
    public static string Canonical(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        var name = model.Trim().ToLowerInvariant();
        if (name.EndsWith(":latest", StringComparison.Ordinal)) name = name[..^":latest".Length];
        return Aliases.TryGetValue(name, out var canonical) ? canonical : name;
    }

    public static bool SameModel(string? a, string? b) =>
        !string.IsNullOrWhiteSpace(a) && !string.IsNullOrWhiteSpace(b) && Canonical(a) == Canonical(b);

    /// <summary>The model a generator runs (its metadata's default model id), as recorded with each vector.</summary>
    public static string Of(IEmbeddingGenerator<string, Embedding<float>> generator) =>
        generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId is { Length: > 0 } model ? model : "unknown";
}
