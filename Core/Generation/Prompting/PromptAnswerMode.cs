using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Core.Generation.Prompting;

/// <summary>
/// <c>prompt</c>: the base model with the collection's own system prompt and few-shot examples, and no retrieval: the "just prompt
/// it better" rung of the ladder. The prompt is edited per collection (<see cref="CollectionPrompts"/>) in Semantic Kernel's syntax.
/// </summary>
public sealed class PromptAnswerMode(ICollectionPromptStore store, CollectionPromptRenderer renderer) : IAnswerMode
{
    public string Name => AnswerModeNames.Prompt;
    public string Description => "The model alone with your collection's own system prompt and few-shot examples (no retrieval).";
    public bool UsesRetrieval => false;
    public bool SupportsExtractiveFallback => false;
    public string? ModelOverride => null;

    /// <summary>The messages of the built-in prompt; a collection's own prompt is rendered by <see cref="PlanAsync"/>.</summary>
    public IReadOnlyList<ChatMessage> BuildPrompt(string question, IReadOnlyList<RetrievalHit> hits) => CollectionPromptRenderer.DefaultMessages(question);

    public async ValueTask<AnswerPlan> PlanAsync(AnswerPlanRequest request, CancellationToken cancellationToken)
    {
        var prompt = (await store.GetAsync(request.Collection, cancellationToken))?.Prompt ?? CollectionPrompt.Default;
        var messages = await renderer.RenderAsync(prompt, request.Question, request.Collection, cancellationToken);
        return new AnswerPlan(new RagPrompt(messages, [], DroppedHits: 0, TopHitTruncated: false));
    }

    /// <summary>Editing the prompt changes the answers, so cached answers of an older prompt are not served.</summary>
    public async ValueTask<string?> GetCacheVariantAsync(string collection, CancellationToken cancellationToken) =>
        (await store.GetAsync(collection, cancellationToken))?.Prompt.Fingerprint();
}
