using System.Runtime.CompilerServices;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Ollama;

/// <summary>Ollama's model-management endpoints: version, local models, model details and pulls.</summary>
/// <remarks>Does not dispose <paramref name="httpClient"/>; whoever created it does.</remarks>
/// <param name="httpClient">Its <see cref="HttpClient.BaseAddress"/> is the Ollama endpoint.</param>
public sealed class OllamaApiClient(HttpClient httpClient)
{
    private readonly Uri _endpoint = OllamaHttp.RequireBaseAddress(httpClient);

    public Uri Endpoint => _endpoint;

    /// <summary><c>GET /api/version</c>.</summary>
    public async Task<string> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        using var response = await OllamaHttp.SendAsync(httpClient, HttpMethod.Get, "api/version", null, null, headersOnly: false, cancellationToken).ConfigureAwait(false);
        var body = await OllamaHttp.ReadJsonAsync<OllamaVersionResponse>(response, _endpoint, cancellationToken).ConfigureAwait(false);
        return body.Version ?? throw new OllamaException($"Ollama at {_endpoint} answered /api/version without a version.");
    }

    /// <summary><c>GET /api/tags</c>: the models available locally.</summary>
    public async Task<IReadOnlyList<OllamaModel>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await OllamaHttp.SendAsync(httpClient, HttpMethod.Get, "api/tags", null, null, headersOnly: false, cancellationToken).ConfigureAwait(false);
        var body = await OllamaHttp.ReadJsonAsync<OllamaTagsResponse>(response, _endpoint, cancellationToken).ConfigureAwait(false);
        return body.Models ?? [];
    }

    /// <summary><c>POST /api/show</c>.</summary>
    /// <exception cref="OllamaException">The model does not exist (with an <c>ollama pull</c> hint) or the server failed.</exception>
    public async Task<OllamaShowResponse> ShowAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        using var response = await OllamaHttp.SendAsync(httpClient, HttpMethod.Post, "api/show", new OllamaModelRequest(model), model, headersOnly: false, cancellationToken).ConfigureAwait(false);
        return await OllamaHttp.ReadJsonAsync<OllamaShowResponse>(response, _endpoint, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>POST /api/pull</c> with streaming: yields each progress line as it arrives, ending with <c>success</c>.</summary>
    /// <exception cref="OllamaException">The pull failed (an <c>error</c> line or status), or the stream ended before <c>success</c>.</exception>
    public async IAsyncEnumerable<OllamaPullProgress> PullAsync(string model, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        using var response = await OllamaHttp.SendAsync(httpClient, HttpMethod.Post, "api/pull", new OllamaModelRequest(model, Stream: true), null, headersOnly: true, cancellationToken).ConfigureAwait(false);
        var succeeded = false;
        await foreach (var line in OllamaHttp.ReadNdjsonAsync<PullLine>(response, _endpoint, l => l.Error, cancellationToken).ConfigureAwait(false))
        {
            var progress = new OllamaPullProgress(line.Status ?? string.Empty, line.Digest, line.Total, line.Completed);
            succeeded |= progress.IsSuccess;
            yield return progress;
        }
        if (!succeeded)
            throw new OllamaException($"Ollama at {_endpoint} stopped pulling '{model}' before reporting success.");
    }

    /// <summary>Pulls a model, reporting each progress line, and completes when Ollama reports <c>success</c>.</summary>
    public async Task PullAsync(string model, IProgress<OllamaPullProgress>? progress, CancellationToken cancellationToken = default)
    {
        await foreach (var line in PullAsync(model, cancellationToken).ConfigureAwait(false))
            progress?.Report(line);
    }

    private sealed record PullLine(
        [property: System.Text.Json.Serialization.JsonPropertyName("status")] string? Status,
        [property: System.Text.Json.Serialization.JsonPropertyName("digest")] string? Digest,
        [property: System.Text.Json.Serialization.JsonPropertyName("total")] long? Total,
        [property: System.Text.Json.Serialization.JsonPropertyName("completed")] long? Completed,
        [property: System.Text.Json.Serialization.JsonPropertyName("error")] string? Error);
}
