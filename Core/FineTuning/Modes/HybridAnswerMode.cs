using Microsoft.Extensions.AI;
using RagLab.Core.Generation;
using RagLab.Core.Kernel;

namespace RagLab.Core.FineTuning.Modes;

/// <summary>
/// <c>hybrid</c>: the collection's active fine-tuned model answering from retrieved chunks with the <c>rag</c> prompt, the
/// RAFT pattern (train it on a RAFT dataset, whose examples carry this very prompt).
/// </summary>
public sealed class HybridAnswerMode(RagPromptBuilder prompts, ActiveFineTunedModel model) : IAnswerMode
{
    public const string ModeName = "hybrid";

    public string Name => ModeName;
    public string Description => "The collection's fine-tuned model answering from retrieved chunks with citations (RAFT).";
    public bool UsesRetrieval => true;
    public bool SupportsExtractiveFallback => false;
    public string? ModelOverride => null;

    public async ValueTask<AnswerModel?> ResolveModelAsync(string collection, CancellationToken cancellationToken) =>
        await model.ResolveAsync(Name, collection, cancellationToken);

    public IReadOnlyList<ChatMessage> BuildPrompt(string question, IReadOnlyList<RetrievalHit> hits) => prompts.Build(question, hits);

    public RagPrompt BuildPrompt(string question, IReadOnlyList<RetrievalHit> hits, int? contextWindowTokens) =>
        prompts.BuildPrompt(question, hits, contextWindowTokens);
}
