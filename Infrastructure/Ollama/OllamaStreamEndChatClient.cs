using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OllamaSharp.Models.Chat;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Ollama;

/// <summary>
/// Fails a streamed answer that ends without Ollama's final <c>done</c> line. OllamaSharp 5.5.2 skips an <c>{"error": …}</c> line in a
/// chat stream and just ends, so without this check a model that failed mid-answer would look like a short, complete answer.
/// </summary>
internal sealed class OllamaStreamEndChatClient(IChatClient inner, Uri endpoint) : DelegatingChatClient(inner)
{
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var sawDone = false;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            sawDone |= update.FinishReason is not null || update.RawRepresentation is ChatDoneResponseStream;
            yield return update;
        }
        if (!sawDone && !cancellationToken.IsCancellationRequested)
            throw new ModelCallException(
                $"Ollama at {endpoint} ended the answer stream without its final \"done\" line (it reported an error or closed the connection); the answer is incomplete. Check Ollama's log.");
    }
}
