using Microsoft.Extensions.AI;

namespace RagLab.Core.Kernel;

/// <summary>
/// Tells an embedding generator that it embeds search queries rather than passages: some models (snowflake-arctic-embed)
/// are trained with an instruction before each query only. Generators that make no such distinction ignore it.
/// </summary>
public static class EmbeddingInputKind
{
    /// <summary>The <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> key that carries the kind.</summary>
    public const string PropertyName = "raglab.input_kind";

    public const string Query = "query";

    /// <summary>Options for embedding search queries.</summary>
    public static EmbeddingGenerationOptions QueryOptions() => new() { AdditionalProperties = new() { [PropertyName] = Query } };

    /// <summary>Whether <paramref name="options"/> ask for query embeddings.</summary>
    public static bool IsQuery(EmbeddingGenerationOptions? options) =>
        options?.AdditionalProperties is { } properties && properties.TryGetValue(PropertyName, out var kind) && kind as string == Query;
}
