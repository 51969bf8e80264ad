using Microsoft.Extensions.AI;

namespace RagLab.Testing;

/// <summary>
/// A deterministic embedding for tests: one dimension per concept word, valued by how often the text mentions it
/// (plus a small constant so no vector is zero). Texts about the same concepts end up close in cosine terms.
/// </summary>
public sealed class ConceptEmbeddingGenerator(params string[] concepts) : IEmbeddingGenerator<string, Embedding<float>>
{
    public int Calls { get; private set; }

    public int Dimensions => concepts.Length + 1;

    public float[] Embed(string text)
    {
        var words = new WordAnalyzer().Analyze(text);
        return [.. concepts.Select(c => (float)words.Count(w => w == c)), 0.1f];
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v)))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
