using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Qdrant;

/// <summary>A model provider with a fixed embedding generator (or none) and no chat model.</summary>
internal sealed class StaticModelProvider(IEmbeddingGenerator<string, Embedding<float>>? embeddings) : IModelProvider
{
    public ValueTask<IChatClient?> GetChatClientAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IChatClient?>(null);

    public ValueTask<IEmbeddingGenerator<string, Embedding<float>>?> GetEmbeddingGeneratorAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(embeddings);

    public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ModelStatus("test", null, null, false, embeddings is null ? null : "concepts", embeddings is not null));
}
