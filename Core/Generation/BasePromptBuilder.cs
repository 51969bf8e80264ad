using Microsoft.Extensions.AI;

namespace RagLab.Core.Generation;

/// <summary>
/// Builds the <c>base</c> prompt: the model alone, with no retrieved context, as the baseline RAG is measured against.
/// </summary>
public sealed class BasePromptBuilder
{
    /// <summary>The system message: answer from the model's own knowledge, and say so when it does not know.</summary>
    public const string SystemPrompt =
        "You are a helpful assistant. Answer the question concisely and accurately from your own knowledge. " +
        "If you do not know the answer, say \"I don't know.\" instead of guessing.";

    /// <summary>A system message and the question as the user message.</summary>
    public IReadOnlyList<ChatMessage> Build(string question)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        return
        [
            new ChatMessage(ChatRole.System, SystemPrompt),
            new ChatMessage(ChatRole.User, question.Trim()),
        ];
    }
}
