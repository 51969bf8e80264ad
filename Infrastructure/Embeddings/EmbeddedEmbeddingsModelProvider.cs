using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Embeddings;

/// <summary>
/// Chat from <paramref name="chat"/> (a model server, when one answers), embeddings always from the in-process model:
/// dense and hybrid retrieval work with no server at all.
/// </summary>
public sealed class EmbeddedEmbeddingsModelProvider(IModelProvider chat, OnnxEmbeddingGenerator embeddings) : IModelProvider
{
    /// <summary>How <c>/api/status</c> names the in-process model, e.g. <c>embedded (all-MiniLM-L6-v2, onnx)</c>.</summary>
    public static string Describe(EmbeddedModel model) => $"embedded ({model.ModelId}, onnx)";

    public ValueTask<IChatClient?> GetChatClientAsync(CancellationToken cancellationToken) => chat.GetChatClientAsync(cancellationToken);

    public ValueTask<IEmbeddingGenerator<string, Embedding<float>>?> GetEmbeddingGeneratorAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IEmbeddingGenerator<string, Embedding<float>>?>(embeddings);

    // The chat model's facts come from the chat server: without these two, every mode saw an unknown window.
    public ValueTask<int?> GetChatContextLengthAsync(CancellationToken cancellationToken) => chat.GetChatContextLengthAsync(cancellationToken);

    public ValueTask<ChatModelInfo?> GetChatModelInfoAsync(string? model, CancellationToken cancellationToken) => chat.GetChatModelInfoAsync(model, cancellationToken);

    public async ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var status = await chat.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return status with { EmbeddingModel = Describe(embeddings.Model), EmbeddingsAvailable = true };
    }
}
