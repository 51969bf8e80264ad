using Microsoft.Extensions.AI;
using OllamaSharp;
using OllamaSharp.Models;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Ollama;

/// <summary>
/// Sends <c>num_ctx</c> with every chat request: without it Ollama uses its small default window and silently cuts the
/// front of a long RAG prompt. A caller's own <c>num_ctx</c> wins, and so does a window asked for with
/// <see cref="ModelRequestHints.ContextWindowTokens"/>; <see cref="ModelRequestHints.KeepLoaded"/> becomes <c>keep_alive</c> (api.md).
/// </summary>
internal sealed class OllamaContextWindowChatClient(IChatClient inner, OllamaContextWindow window) : DelegatingChatClient(inner)
{
    private const string NumCtx = "num_ctx";

    /// <summary>The chat request's <c>keep_alive</c> field; OllamaSharp copies this additional property into it.</summary>
    private const string KeepAlive = "keep_alive";

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
        options = Translate(options);
        if (options?.AdditionalProperties?.ContainsKey(NumCtx) == true)
            return options;
        if (await window.GetAsync(cancellationToken).ConfigureAwait(false) is not { } tokens)
            return options;
        return (options?.Clone() ?? new ChatOptions()).AddOllamaOption(OllamaOption.NumCtx, tokens);
    }

    /// <summary>RagLab's provider-neutral hints as Ollama's own request fields; the hints themselves are not sent.</summary>
    private static ChatOptions? Translate(ChatOptions? options)
    {
        var hints = options?.AdditionalProperties;
        if (hints is null || !new[] { ModelRequestHints.ContextWindowTokens, ModelRequestHints.KeepLoaded, ModelRequestHints.PromptPrefix }.Any(hints.ContainsKey))
            return options;
        var translated = options!.Clone();
        var properties = translated.AdditionalProperties = new AdditionalPropertiesDictionary(hints);
        if (properties.TryGetValue(ModelRequestHints.ContextWindowTokens, out var requested) && requested is int tokens and > 0 && !properties.ContainsKey(NumCtx))
            translated.AddOllamaOption(OllamaOption.NumCtx, tokens);
        // Ollama reads keep_alive as a duration string ("30m", "1800s") or a number of seconds.
        if (properties.TryGetValue(ModelRequestHints.KeepLoaded, out var keep) && keep is TimeSpan duration && !properties.ContainsKey(KeepAlive))
            properties[KeepAlive] = $"{(long)Math.Ceiling(duration.TotalSeconds)}s";
        properties.Remove(ModelRequestHints.ContextWindowTokens);
        properties.Remove(ModelRequestHints.KeepLoaded);
        properties.Remove(ModelRequestHints.PromptPrefix);
        return translated;
    }
}
