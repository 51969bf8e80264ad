using Microsoft.Extensions.AI;

namespace RagLab.Core.FineTuning;

/// <summary>Chat clients for fine-tuned (and base) models where they are served: Ollama, or the OpenAI-compatible fine-tuning server.</summary>
public interface IFineTunedChatClients
{
    /// <param name="provider"><c>ollama</c> or <c>openai</c> (<see cref="Registry.ModelVersion.Provider"/>).</param>
    /// <returns>A client bound to <paramref name="model"/>, or null when that provider is not configured or not reachable.</returns>
    ValueTask<IChatClient?> GetAsync(string provider, string model, CancellationToken cancellationToken);
}
