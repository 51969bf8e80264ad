using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Core.Caching;

/// <summary>
/// Wraps an embedding generator with an <see cref="IEmbeddingCache"/>: each input is looked up first, only the misses
/// are sent to the model (in one call, duplicates once), and the new vectors are stored.
/// </summary>
/// <param name="modelId">The cache's model key; defaults to the inner generator's model id.</param>
public sealed class CachingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, IEmbeddingCache cache, string? modelId = null)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(innerGenerator)
{
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var inputs = values as IReadOnlyList<string> ?? values.ToList();
        var model = CacheModelKey(options);
        var cached = await Task.WhenAll(inputs.Select(text => cache.GetAsync(model, text, cancellationToken))).ConfigureAwait(false);

        var misses = inputs.Where((_, index) => cached[index] is null).Distinct(StringComparer.Ordinal).ToList();
        var computed = new Dictionary<string, Embedding<float>>(StringComparer.Ordinal);
        UsageDetails? usage = null;
        if (misses.Count > 0)
        {
            var generated = await base.GenerateAsync(misses, options, cancellationToken).ConfigureAwait(false);
            if (generated.Count != misses.Count)
                throw new InvalidOperationException($"The embedding model returned {generated.Count} vectors for {misses.Count} inputs.");
            usage = generated.Usage;
            for (var i = 0; i < misses.Count; i++) computed[misses[i]] = generated[i];
            await Task.WhenAll(misses.Select(text => cache.SetAsync(model, text, computed[text].Vector.ToArray(), cancellationToken))).ConfigureAwait(false);
        }

        var results = new List<Embedding<float>>(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
            results.Add(cached[i] is { } vector ? new Embedding<float>(vector) { ModelId = model } : computed[inputs[i]]);
        return new GeneratedEmbeddings<Embedding<float>>(results) { Usage = usage };
    }

    private string CacheModelKey(EmbeddingGenerationOptions? options)
    {
        var model = options?.ModelId ?? modelId ?? InnerGenerator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "default";
        // Requested dimensions change the vector, and so may a query instruction: both are part of the key.
        if (options?.Dimensions is { } dimensions) model = $"{model}@{dimensions}";
        return EmbeddingInputKind.IsQuery(options) ? $"{model}#query" : model;
    }
}
