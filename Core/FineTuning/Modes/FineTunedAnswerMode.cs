using Microsoft.Extensions.AI;
using RagLab.Core.Generation;
using RagLab.Core.Kernel;

namespace RagLab.Core.FineTuning.Modes;

/// <summary><c>finetuned</c>: the collection's active fine-tuned model alone, with the <c>base</c> prompt and no documents.</summary>
public sealed class FineTunedAnswerMode(BasePromptBuilder prompts, ActiveFineTunedModel model) : IAnswerMode
{
    public const string ModeName = "finetuned";

    public string Name => ModeName;
    public string Description => "The collection's fine-tuned model alone, without retrieval (train one with /api/finetunes).";
    public bool UsesRetrieval => false;
    public bool SupportsExtractiveFallback => false;
    public string? ModelOverride => null;

    public async ValueTask<AnswerModel?> ResolveModelAsync(string collection, CancellationToken cancellationToken) =>
        await model.ResolveAsync(Name, collection, cancellationToken);

    public IReadOnlyList<ChatMessage> BuildPrompt(string question, IReadOnlyList<RetrievalHit> hits) => prompts.Build(question);
}
