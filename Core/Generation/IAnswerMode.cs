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

    IReadOnlyList<ChatMessage> BuildPrompt(string question, IReadOnlyList<RetrievalHit> hits);
}
