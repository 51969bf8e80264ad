using System.Collections.Concurrent;
using OllamaSharp;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Ollama;

/// <summary>
/// What <c>POST /api/show</c> says about a chat model: its own context window (<c>model_info</c>'s <c>*.context_length</c>, uncapped)
/// and its <c>capabilities</c> (e.g. <c>tools</c>). Read once per model; a failed read is asked again next time.
/// </summary>
internal sealed class OllamaChatModelInfo(OllamaApiClient api)
{
    private readonly ConcurrentDictionary<string, ChatModelInfo> _known = new(StringComparer.OrdinalIgnoreCase);

    public async ValueTask<ChatModelInfo?> GetAsync(string model, CancellationToken cancellationToken)
    {
        var key = OllamaModelName.Normalize(model);
        if (_known.TryGetValue(key, out var known))
            return known;
        try
        {
            var show = await api.ShowModelAsync(model, cancellationToken).ConfigureAwait(false);
            var info = new ChatModelInfo(model, OllamaContextWindow.ReadContextLength(show.Info?.ExtraInfo), show.Capabilities);
            _known[key] = info;
            return info;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Unknown for now (server down, model missing): asked again on the next request.
            return null;
        }
    }
}
