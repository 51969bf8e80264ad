using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Core.Generation;

/// <summary>
/// One way of answering (base, rag, prompt, longcontext, agent, and later finetuned, hybrid). The <see cref="QuestionAnswerer"/>
/// does the retrieval, generation, citation checking and measuring; a mode only decides what goes to which model. A mode that only
/// builds a prompt implements <see cref="BuildPrompt(string, IReadOnlyList{RetrievalHit})"/>; one that needs the collection, or
/// generates in its own way (tools), also implements <see cref="PlanAsync"/>.
/// </summary>
public interface IAnswerMode
{
    string Name { get; }

    /// <summary>One line for users, shown in mode pickers and reports.</summary>
    string Description { get; }

    /// <summary>Whether the mode answers from retrieved chunks.</summary>
    bool UsesRetrieval { get; }

    /// <summary>Whether, with no LLM connected, the mode can answer extractively from its retrieved chunks.</summary>
    bool SupportsExtractiveFallback { get; }

    /// <summary>The model to use instead of the connected chat model (e.g. a fine-tuned one), or null.</summary>
    string? ModelOverride { get; }

    /// <summary>
    /// The model to answer with for <paramref name="collection"/>, or null for the connected chat model (with <see cref="ModelOverride"/>).
    /// Called before anything is retrieved or generated, so a mode that cannot answer (no fine-tuned model yet) refuses at once.
    /// </summary>
    /// <exception cref="DependencyUnavailableException">The mode's model does not exist or cannot be reached; the message says how to get one.</exception>
    ValueTask<AnswerModel?> ResolveModelAsync(string collection, CancellationToken cancellationToken) => ValueTask.FromResult<AnswerModel?>(null);

    IReadOnlyList<ChatMessage> BuildPrompt(string question, IReadOnlyList<RetrievalHit> hits);

    /// <summary>
    /// As <see cref="BuildPrompt(string, IReadOnlyList{RetrievalHit})"/>, fitted to a chat model whose window holds
    /// <paramref name="contextWindowTokens"/> tokens (null: unknown, no limit). A mode that does not send retrieved text sends all of it.
    /// </summary>
    RagPrompt BuildPrompt(string question, IReadOnlyList<RetrievalHit> hits, int? contextWindowTokens) =>
        new(BuildPrompt(question, hits), hits, DroppedHits: 0, TopHitTruncated: false);

    /// <summary>
    /// Whether the mode's chunks are retrieved before generation, by the <see cref="QuestionAnswerer"/>. Defaults to
    /// <see cref="UsesRetrieval"/>; a mode that searches while it answers (the agent) uses a retriever but retrieves nothing up front.
    /// </summary>
    bool RetrievesBeforeAnswering => UsesRetrieval;

    /// <summary>
    /// Whether every question on a collection is sent behind one long, fixed prefix that the model server keeps cached: the first
    /// question pays for reading it, the following ones reuse it. Eval runs ask such a mode's questions one at a time, the first alone.
    /// </summary>
    bool ReusesPromptPrefix => false;

    /// <summary>Plans one answer: the prompt, and how it is generated. By default the prompt of <see cref="BuildPrompt(string, IReadOnlyList{RetrievalHit}, int?)"/>.</summary>
    /// <exception cref="ValidationException">The mode cannot answer on this collection (e.g. it does not fit the model's window).</exception>
    /// <exception cref="DependencyUnavailableException">The model cannot do what the mode needs (e.g. call tools).</exception>
    ValueTask<AnswerPlan> PlanAsync(AnswerPlanRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new AnswerPlan(BuildPrompt(request.Question, request.Hits, request.ContextWindowTokens)));

    /// <summary>What else, besides the collection's content, changes this mode's answers (e.g. its prompt template); part of the answer-cache key. Null: nothing.</summary>
    ValueTask<string?> GetCacheVariantAsync(string collection, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);

    /// <summary>
    /// Whether the mode can answer on <paramref name="collection"/> with the connected model, and if not, why. Whether a chat model is
    /// connected at all is checked by the caller (see <see cref="SupportsExtractiveFallback"/>); the default is available.
    /// </summary>
    /// <param name="scope">Whose view of the collection: judged over the documents it may read, as an answer would be, and the reason
    /// says nothing about the others.</param>
    ValueTask<ModeAvailability> CheckAvailabilityAsync(string collection, ReaderScope scope, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ModeAvailability.Ready);
}
