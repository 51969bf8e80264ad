using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Core.Generation;

/// <summary>
/// One planned answer: the prompt, and how the <see cref="QuestionAnswerer"/> generates from it. The default streams the prompt's
/// messages through the chat client; a mode that needs more (a longer window, tools) derives from it. The properties that describe
/// what the answer drew on are read after generation, so a mode that searches while answering can fill them in as it goes.
/// </summary>
public class AnswerPlan(RagPrompt prompt)
{
    /// <summary>The messages to start from, and the numbered sources they carry.</summary>
    public RagPrompt Prompt { get; } = prompt;

    /// <summary>The chat options for this answer: the caller's, plus what the mode needs (e.g. <see cref="ModelRequestHints"/>).</summary>
    public virtual ChatOptions Configure(ChatOptions options) => options;

    /// <summary>Generates the answer as a stream of updates.</summary>
    public virtual IAsyncEnumerable<ChatResponseUpdate> GenerateAsync(IChatClient chat, ChatOptions options, CancellationToken cancellationToken) =>
        chat.GetStreamingResponseAsync(Prompt.Messages, options, cancellationToken);

    /// <summary>The sources the answer may cite: <c>[n]</c> is <c>Sources[n - 1]</c>. Read after generation.</summary>
    public virtual IReadOnlyList<RetrievalHit> Sources => Prompt.Hits;

    /// <summary>The chunks retrieved for this answer, in rank order, or null for the ones retrieved before generation. Read after generation.</summary>
    public virtual IReadOnlyList<RetrievalHit>? Retrieved => null;

    /// <summary>What only this mode knows about the answer. Read after generation.</summary>
    public virtual AnswerDetails? Details => null;

    /// <summary>Things the user should know about this answer, beyond the prompt budget's. Read after generation.</summary>
    public virtual IReadOnlyList<string> Warnings => [];
}
