using RagLab.Core.Generation;
using RagLab.Core.Kernel;

namespace RagLab.Core.FineTuning.Modes;

/// <summary>Finds the collection's active fine-tuned model for the <c>finetuned</c> and <c>hybrid</c> modes.</summary>
public sealed class ActiveFineTunedModel(IFineTuneStore store, IFineTunedChatClients clients)
{
    /// <exception cref="DependencyUnavailableException">The collection has no active fine-tuned model, or its server does not answer.</exception>
    public async ValueTask<AnswerModel> ResolveAsync(string mode, string collection, CancellationToken cancellationToken)
    {
        var version = await store.GetActiveVersionAsync(collection, cancellationToken)
            ?? throw new DependencyUnavailableException(NoModelMessage(mode, collection));
        var client = await clients.GetAsync(version.Provider, version.ModelName, cancellationToken)
            ?? throw new DependencyUnavailableException(
                $"The '{mode}' mode uses {version.ModelName} (v{version.Number} of collection '{collection}'), served by {version.Provider}, and that server is not connected. " +
                (version.Provider == "openai"
                    ? "Configure RagLab:FineTuning:OpenAI:Endpoint and ApiKey."
                    : "Start Ollama (or point RagLab:Ollama:Endpoint at the server the model was registered in)."));
        return new AnswerModel(version.ModelName, client);
    }

    /// <summary>What to do when a collection has no fine-tuned model yet.</summary>
    public static string NoModelMessage(string mode, string collection) =>
        $"The '{mode}' mode answers with collection '{collection}''s fine-tuned model, and it has none yet. Create one: " +
        $"POST /api/datasets {{\"name\": \"{collection}-raft\", \"collection\": \"{collection}\", \"kind\": \"{(mode == "hybrid" ? "raft" : "closedBook")}\"}} " +
        $"(or upload chat JSONL to POST /api/datasets/upload), then POST /api/finetunes {{\"datasetId\": \"<id>\"}} and wait for it to succeed; " +
        $"or activate an existing version with POST /api/finetunes/versions/{{id}}/activate.";
}
