using System.ClientModel;
using OpenAI;
using RagLab.Core.FineTuning.Registry;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.FineTuning;

/// <summary>Deletes a fine-tuned model from the OpenAI-compatible fine-tuning API's server (<c>DELETE /v1/models/{model}</c>, via the OpenAI SDK).</summary>
public sealed class OpenAiModelRemover(OpenAIClient client) : IServedModelRemover
{
    public string Provider => "openai";

    public async Task DeleteAsync(string modelName, CancellationToken cancellationToken)
    {
        try
        {
            await client.GetOpenAIModelClient().DeleteModelAsync(modelName, cancellationToken);
        }
        catch (ClientResultException ex) when (ex.Status == 404)
        {
            // Already gone.
        }
        catch (ClientResultException ex)
        {
            throw new DependencyUnavailableException($"The fine-tuning API did not delete {modelName} ({ex.Status}): {ex.Message}");
        }
        catch (HttpRequestException ex)
        {
            throw new DependencyUnavailableException($"The fine-tuning API did not answer while deleting {modelName}: {ex.Message}");
        }
    }
}
