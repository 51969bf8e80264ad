using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Core.Generation;

/// <summary><c>rag</c>: retrieved chunks in a delimited context block; the model answers from them and cites them.</summary>
public sealed class RagAnswerMode(RagPromptBuilder prompts) : IAnswerMode
{
    public string Name => AnswerModeNames.Rag;
    public string Description => "Retrieval-augmented: the model answers from retrieved chunks and cites them.";
    public bool UsesRetrieval => true;
    public bool SupportsExtractiveFallback => true;
    public string? ModelOverride => null;

    public IReadOnlyList<ChatMessage> BuildPrompt(string question, IReadOnlyList<RetrievalHit> hits) => prompts.Build(question, hits);

    public RagPrompt BuildPrompt(string question, IReadOnlyList<RetrievalHit> hits, int? contextWindowTokens) =>
        prompts.BuildPrompt(question, hits, contextWindowTokens);
}
