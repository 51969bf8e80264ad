using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Core.Caching;

/// <summary>Wraps a model provider so every embedding goes through an <see cref="IEmbeddingCache"/> (memory, or Redis under Aspire).</summary>
public sealed class EmbeddingCachingModelProvider(IModelProvider inner, IEmbeddingCache cache) : IModelProvider
{
    private IEmbeddingGenerator<string, Embedding<float>>? _innerGenerator;
    private CachingEmbeddingGenerator? _cachingGenerator;

    public ValueTask<IChatClient?> GetChatClientAsync(CancellationToken cancellationToken) => inner.GetChatClientAsync(cancellationToken);

    public async ValueTask<IEmbeddingGenerator<string, Embedding<float>>?> GetEmbeddingGeneratorAsync(CancellationToken cancellationToken)
    {
        var generator = await inner.GetEmbeddingGeneratorAsync(cancellationToken);
        if (generator is null) return null;
        if (!ReferenceEquals(generator, _innerGenerator))
        {
            var status = await inner.GetStatusAsync(cancellationToken);
            _cachingGenerator = new CachingEmbeddingGenerator(generator, cache, status.EmbeddingModel);
            _innerGenerator = generator;
        }
        return _cachingGenerator;
    }

    public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) => inner.GetStatusAsync(cancellationToken);

    public ValueTask<int?> GetChatContextLengthAsync(CancellationToken cancellationToken) => inner.GetChatContextLengthAsync(cancellationToken);

    public ValueTask<ChatModelInfo?> GetChatModelInfoAsync(string? model, CancellationToken cancellationToken) => inner.GetChatModelInfoAsync(model, cancellationToken);
}
