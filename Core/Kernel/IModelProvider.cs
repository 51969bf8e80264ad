using Microsoft.Extensions.AI;

namespace RagLab.Core.Kernel;

/// <summary>What is connected right now, as shown by <c>GET /api/status</c>.</summary>
/// <param name="Endpoint">Where the models are served, or null when nothing is configured.</param>
/// <param name="Error">Why a configured server could not be used, in words a user can act on.</param>
public sealed record ModelStatus(string Provider, string? Endpoint, string? ChatModel, bool ChatAvailable, string? EmbeddingModel, bool EmbeddingsAvailable, string? Error = null);

/// <summary>
/// Gives out the chat client and embedding generator if a model server answers, else null.
/// Callers ask on every use, so a server that comes up later is picked up without a restart.
/// </summary>
public interface IModelProvider
{
    ValueTask<IChatClient?> GetChatClientAsync(CancellationToken cancellationToken);

    ValueTask<IEmbeddingGenerator<string, Embedding<float>>?> GetEmbeddingGeneratorAsync(CancellationToken cancellationToken);

    ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>
    /// How many tokens the chat model's window holds for one request (prompt and answer together), or null when unknown.
    /// The prompt builder fits the retrieved chunks into it.
    /// </summary>
    ValueTask<int?> GetChatContextLengthAsync(CancellationToken cancellationToken) => ValueTask.FromResult<int?>(null);

    /// <summary>
    /// What the server says about a chat model (its own context window, its capabilities), or null when the server is not reachable
    /// or does not say. <paramref name="model"/> null means the connected chat model.
    /// </summary>
    ValueTask<ChatModelInfo?> GetChatModelInfoAsync(string? model, CancellationToken cancellationToken) => ValueTask.FromResult<ChatModelInfo?>(null);
}
