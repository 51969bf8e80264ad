using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using RagLab.Core.Generation;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.OpenAI;

/// <summary>
/// Hands out clients for an OpenAI-compatible server. Availability comes from <c>GET {Endpoint}/models</c>, probed at most once per
/// <see cref="OpenAiCompatibleOptions.ProbeInterval"/>. A server without that endpoint is assumed to serve the configured models,
/// and the status says so.
/// </summary>
public sealed class OpenAiCompatibleModelProvider : IModelProvider, IDisposable
{
    private readonly OpenAiCompatibleOptions _options;
    private readonly TimeProvider _time;
    private readonly Uri? _endpoint;
    private readonly HttpClient? _probeHttp;
    private readonly OpenAiCompatibleChatClient? _chatClient;
    private readonly OpenAiCompatibleEmbeddingGenerator? _embeddingGenerator;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Probe? _last;

    /// <exception cref="FormatException">The configured endpoint is not an absolute http(s) URL.</exception>
    public OpenAiCompatibleModelProvider(OpenAiCompatibleOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        if (!options.IsConfigured)
            return;

        _endpoint = options.ResolveEndpoint();
        _probeHttp = new HttpClient { Timeout = options.ProbeTimeout };
        if (!string.IsNullOrWhiteSpace(options.ApiKey))
            _probeHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        var client = options.CreateClient();
        if (!string.IsNullOrWhiteSpace(options.ChatModel))
            _chatClient = new OpenAiCompatibleChatClient(client, options.ChatModel, _endpoint);
        if (!string.IsNullOrWhiteSpace(options.EmbeddingModel))
            _embeddingGenerator = new OpenAiCompatibleEmbeddingGenerator(client, options.EmbeddingModel, _endpoint);
    }

    public async ValueTask<IChatClient?> GetChatClientAsync(CancellationToken cancellationToken) =>
        _chatClient is not null && (await GetProbeAsync(cancellationToken).ConfigureAwait(false)).Serves(_options.ChatModel!) ? _chatClient : null;

    public async ValueTask<IEmbeddingGenerator<string, Embedding<float>>?> GetEmbeddingGeneratorAsync(CancellationToken cancellationToken) =>
        _embeddingGenerator is not null && (await GetProbeAsync(cancellationToken).ConfigureAwait(false)).Serves(_options.EmbeddingModel!) ? _embeddingGenerator : null;

    public async ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        if (_endpoint is null)
            return new ModelStatus("openai", null, _options.ChatModel, false, _options.EmbeddingModel, false,
                "No OpenAI-compatible server is configured; set RagLab:OpenAI:Endpoint (and ApiKey if the server needs one).");

        var probe = await GetProbeAsync(cancellationToken).ConfigureAwait(false);
        var chat = _options.ChatModel is { Length: > 0 } chatModel && probe.Serves(chatModel);
        var embeddings = _options.EmbeddingModel is { Length: > 0 } embeddingModel && probe.Serves(embeddingModel);

        var problems = new List<string>();
        if (probe.Error is not null)
            problems.Add(probe.Error);
        if (probe.Reachable)
        {
            if (string.IsNullOrWhiteSpace(_options.ChatModel))
                problems.Add("No chat model is configured; set RagLab:OpenAI:ChatModel.");
            else if (!chat)
                problems.Add($"The server at {_endpoint} does not list model '{_options.ChatModel}' ({probe.Describe()}).");
            if (string.IsNullOrWhiteSpace(_options.EmbeddingModel))
                problems.Add("No embedding model is configured; set RagLab:OpenAI:EmbeddingModel.");
            else if (!embeddings)
                problems.Add($"The server at {_endpoint} does not list model '{_options.EmbeddingModel}' ({probe.Describe()}).");
        }
        return new ModelStatus("openai", _endpoint.ToString(), _options.ChatModel, chat, _options.EmbeddingModel, embeddings,
            problems.Count > 0 ? string.Join(" ", problems) : null);
    }

    public void Dispose()
    {
        _probeHttp?.Dispose();
        _gate.Dispose();
    }

    private async ValueTask<Probe> GetProbeAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached)
            return cached;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } probedMeanwhile)
                return probedMeanwhile;
            _last = await ProbeAsync(cancellationToken).ConfigureAwait(false);
            return _last;
        }
        finally
        {
            _gate.Release();
        }
    }

    private Probe? Fresh() => _last is { } last && _time.GetUtcNow() - last.CheckedAt < _options.ProbeInterval ? last : null;

    private async Task<Probe> ProbeAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var url = new Uri(_endpoint!.ToString().TrimEnd('/') + "/models");
        try
        {
            using var response = await _probeHttp!.GetAsync(url, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                return new Probe(false, null, $"The server at {_endpoint} rejected the API key (HTTP {(int)response.StatusCode}); set RagLab:OpenAI:ApiKey.", now);
            if (!response.IsSuccessStatusCode)
                return new Probe(true, null,
                    $"The server at {_endpoint} could not list its models (GET /models: HTTP {(int)response.StatusCode}); assuming the configured models exist.", now);

            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new Probe(true, ParseModelIds(body), null, now);
        }
        catch (HttpRequestException ex)
        {
            return new Probe(false, null, $"The server at {_endpoint} is not reachable ({ex.Message}). Check RagLab:OpenAI:Endpoint.", now);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Probe(false, null, $"The server at {_endpoint} did not answer GET /models within {_options.ProbeTimeout.TotalSeconds:0.#} s.", now);
        }
        catch (JsonException)
        {
            return new Probe(true, null, $"The server at {_endpoint} sent a model list RagLab cannot read; assuming the configured models exist.", now);
        }
    }

    /// <summary>The <c>id</c>s of <c>{"object":"list","data":[{"id":...}]}</c>.</summary>
    private static IReadOnlyList<string> ParseModelIds(string body)
    {
        using var doc = JsonDocument.Parse(body);
        if (!doc.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
            throw new JsonException("no data array");
        return data.EnumerateArray()
            .Select(m => m.TryGetProperty("id", out var id) ? id.GetString() : null)
            .OfType<string>()
            .ToList();
    }

    /// <param name="ModelIds">What <c>/models</c> listed, or null when the server could not tell.</param>
    private sealed record Probe(bool Reachable, IReadOnlyList<string>? ModelIds, string? Error, DateTimeOffset CheckedAt)
    {
        public bool Serves(string model) =>
            Reachable && (ModelIds is null || ModelIds.Any(id => string.Equals(id, model, StringComparison.OrdinalIgnoreCase)
                                                                 || string.Equals(id, model + ":latest", StringComparison.OrdinalIgnoreCase)
                                                                 || string.Equals(id + ":latest", model, StringComparison.OrdinalIgnoreCase)));

        public string Describe() => ModelIds is { Count: > 0 } ids ? "it lists: " + string.Join(", ", ids.Take(10)) : "it lists no models";
    }
}
