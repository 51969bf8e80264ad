using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Retrieval;

/// <summary>
/// A deterministic "semantic" embedder: each known word adds 1 to its concept's dimension
/// (feline: cat, kitten; canine: dog, puppy; avian: bird), unknown words add nothing.
/// </summary>
/// <param name="modelId">The model it reports in its metadata (what vectors record as their model), or none.</param>
internal sealed class ConceptEmbeddingGenerator(string? modelId = null) : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int Dimensions = 3;

    private static readonly Dictionary<string, int> Concepts = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cat"] = 0, ["kitten"] = 0, ["dog"] = 1, ["puppy"] = 1, ["bird"] = 2,
    };

    public List<string> Inputs { get; } = [];

    /// <summary>When set, every call fails with this, as an unreachable server would.</summary>
    public Exception? Failure { get; set; }

    public static float[] Embed(string text)
    {
        var vector = new float[Dimensions];
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (Concepts.TryGetValue(word, out var dimension)) vector[dimension]++;
        return vector;
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Failure is not null) return Task.FromException<GeneratedEmbeddings<Embedding<float>>>(Failure);
        var list = values.ToList();
        Inputs.AddRange(list);
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(list.Select(v => new Embedding<float>(Embed(v)))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        modelId is not null && serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("concepts", null, modelId) : null;

    public void Dispose()
    {
    }
}

/// <summary>A model provider with an optional embedding generator and no chat model.</summary>
internal sealed class FakeModelProvider(IEmbeddingGenerator<string, Embedding<float>>? embeddings) : IModelProvider
{
    public ValueTask<IChatClient?> GetChatClientAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IChatClient?>(null);

    public ValueTask<IEmbeddingGenerator<string, Embedding<float>>?> GetEmbeddingGeneratorAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(embeddings);

    public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ModelStatus("fake", null, null, false, embeddings is null ? null : "concepts", embeddings is not null));
}
