using Microsoft.Extensions.AI;
using OpenAI;
using RagLab.Core.FineTuning;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.FineTuning;

/// <summary>
/// Chat clients for fine-tuned models: <c>ollama</c> versions through the lab's connected chat client (same server, the model
/// named per request), <c>openai</c> versions through the fine-tuning API's own OpenAI-compatible chat endpoint.
/// </summary>
public sealed class FineTunedChatClients(IModelProvider models, OpenAIClient? fineTuningApi) : IFineTunedChatClients
{
    public async ValueTask<IChatClient?> GetAsync(string provider, string model, CancellationToken cancellationToken)
    {
        switch (provider)
        {
            case "openai":
                return fineTuningApi?.GetChatClient(model).AsIChatClient();
            case "ollama":
                var chat = await models.GetChatClientAsync(cancellationToken);
                return chat is null ? null : new ChatClientBuilder(chat).ConfigureOptions(options => options.ModelId = model).Build();
            default:
                return null;
        }
    }
}
