using System.Text.Json;
using OllamaSharp;

namespace RagLab.Infrastructure.Ollama;

/// <summary>
/// The chat model's context window in tokens, read once from <c>POST /api/show</c> (<c>model_info</c>'s <c>*.context_length</c>)
/// and capped at <see cref="OllamaOptions.MaxContextTokens"/>: Ollama sizes its KV cache by <c>num_ctx</c>, so a 128k window
/// would cost gigabytes of RAM on a laptop.
/// </summary>
internal sealed class OllamaContextWindow(OllamaApiClient api, string model, int maxContextTokens)
{
    private int? _tokens;

    public async ValueTask<int?> GetAsync(CancellationToken cancellationToken)
    {
        if (_tokens is { } known)
            return known;
        try
        {
            var show = await api.ShowModelAsync(model, cancellationToken).ConfigureAwait(false);
            var length = ReadContextLength(show.Info?.ExtraInfo);
            _tokens = length is > 0 ? Math.Min(length.Value, maxContextTokens) : null;
            return _tokens;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Unknown for now (server down, model missing): asked again on the next request.
            return null;
        }
    }

    internal static int? ReadContextLength(IDictionary<string, object>? modelInfo)
    {
        if (modelInfo is null)
            return null;
        foreach (var (key, value) in modelInfo)
        {
            if (!key.EndsWith(".context_length", StringComparison.Ordinal))
                continue;
            if (value is JsonElement { ValueKind: JsonValueKind.Number } number && number.TryGetInt64(out var tokens))
                return (int)Math.Min(int.MaxValue, tokens);
            if (value is IConvertible convertible)
                return convertible.ToInt32(System.Globalization.CultureInfo.InvariantCulture);
        }
        return null;
    }
}
