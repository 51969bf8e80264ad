using Microsoft.Extensions.AI;
using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;

namespace RagLab.Core.Generation;

/// <summary>
/// One way of answering (base, rag, and later prompt, finetuned, hybrid, longcontext). The <see cref="QuestionAnswerer"/>
/// does the retrieval, generation, citation checking and measuring; a mode only decides what goes to which model.
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
}
