using Microsoft.Extensions.AI;
using OllamaSharp;
using OllamaSharp.Models;

namespace RagLab.Infrastructure.Ollama;

/// <summary>
/// Sends <c>num_ctx</c> with every chat request: without it Ollama uses its small default window and silently cuts the
/// front of a long RAG prompt. A caller's own <c>num_ctx</c> wins.
/// </summary>
internal sealed class OllamaContextWindowChatClient(IChatClient inner, OllamaContextWindow window) : DelegatingChatClient(inner)
{
    private const string NumCtx = "num_ctx";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await base.GetResponseAsync(messages, await WithWindowAsync(options, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var withWindow = await WithWindowAsync(options, cancellationToken).ConfigureAwait(false);
        await foreach (var update in base.GetStreamingResponseAsync(messages, withWindow, cancellationToken).ConfigureAwait(false))
            yield return update;
    }

    private async ValueTask<ChatOptions?> WithWindowAsync(ChatOptions? options, CancellationToken cancellationToken)
    {
        if (options?.AdditionalProperties?.ContainsKey(NumCtx) == true)
            return options;
        if (await window.GetAsync(cancellationToken).ConfigureAwait(false) is not { } tokens)
            return options;
        return (options?.Clone() ?? new ChatOptions()).AddOllamaOption(OllamaOption.NumCtx, tokens);
    }
}
