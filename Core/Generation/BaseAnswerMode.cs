using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Core.Generation;

/// <summary><c>base</c>: the model alone, no documents. The baseline every other mode is measured against.</summary>
public sealed class BaseAnswerMode(BasePromptBuilder prompts) : IAnswerMode
{
    public string Name => AnswerModeNames.Base;
    public string Description => "The model alone, without your documents.";
    public bool UsesRetrieval => false;
    public bool SupportsExtractiveFallback => false;
    public string? ModelOverride => null;

    public IReadOnlyList<ChatMessage> BuildPrompt(string question, IReadOnlyList<RetrievalHit> hits) => prompts.Build(question);
}
