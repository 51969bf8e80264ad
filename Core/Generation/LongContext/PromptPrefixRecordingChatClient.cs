using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Core.Generation.LongContext;

/// <summary>Tells the <see cref="PromptPrefixTracker"/> about every request sent to a model: which prefix it carried (<see cref="ModelRequestHints.PromptPrefix"/>), if any.</summary>
public sealed class PromptPrefixRecordingChatClient(IChatClient inner, PromptPrefixTracker tracker, string defaultModel) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Record(options);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Record(options);
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            yield return update;
    }

    private void Record(ChatOptions? options) =>
        tracker.Sent(options?.ModelId ?? defaultModel, options?.AdditionalProperties?.TryGetValue(ModelRequestHints.PromptPrefix, out var prefix) == true ? prefix as string : null);
}

/// <summary>Hands out chat clients that report what they send to the <see cref="PromptPrefixTracker"/>; everything else passes through.</summary>
public sealed class PromptPrefixTrackingModelProvider(IModelProvider inner, PromptPrefixTracker tracker) : IModelProvider, IDisposable
{
    private IChatClient? _inner;
    private IChatClient? _recording;

    public async ValueTask<IChatClient?> GetChatClientAsync(CancellationToken cancellationToken)
    {
        var chat = await inner.GetChatClientAsync(cancellationToken);
        if (chat is null) return null;
        if (!ReferenceEquals(chat, _inner))
        {
            var model = (await inner.GetStatusAsync(cancellationToken)).ChatModel ?? "";
            _recording = new PromptPrefixRecordingChatClient(chat, tracker, model);
            _inner = chat;
        }
        return _recording;
    }

    public ValueTask<IEmbeddingGenerator<string, Embedding<float>>?> GetEmbeddingGeneratorAsync(CancellationToken cancellationToken) => inner.GetEmbeddingGeneratorAsync(cancellationToken);

    public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) => inner.GetStatusAsync(cancellationToken);

    public ValueTask<int?> GetChatContextLengthAsync(CancellationToken cancellationToken) => inner.GetChatContextLengthAsync(cancellationToken);

    public ValueTask<ChatModelInfo?> GetChatModelInfoAsync(string? model, CancellationToken cancellationToken) => inner.GetChatModelInfoAsync(model, cancellationToken);

    public void Dispose() => (inner as IDisposable)?.Dispose();
}
