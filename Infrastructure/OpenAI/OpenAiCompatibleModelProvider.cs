using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.Hosting;
using RagLab.Infrastructure.ModelClients;

namespace RagLab.Infrastructure.OpenAI;

/// <summary>
/// Hands out clients for an OpenAI-compatible server. Availability comes from <c>GET {Endpoint}/models</c>, probed at most once per
/// <see cref="OpenAiCompatibleOptions.ProbeInterval"/>. A server without that endpoint is assumed to serve the configured models,
/// and the status says so. The clients are Microsoft.Extensions.AI.OpenAI's over the OpenAI SDK, on the
/// <see cref="RagLabHttpClients.OpenAiCompatible"/> HttpClient, with actionable <see cref="ModelCallException"/>s on top, and
/// the same guard as the Ollama path: an idle and a total timeout per chat call (<see cref="GuardedChatClient"/>) and a
/// <see cref="ModelCircuit"/> that reports the chat model down after repeated failures (answers turn extractive, /health Degraded).
/// </summary>
public sealed class OpenAiCompatibleModelProvider : IModelProvider, IDisposable
{
    private readonly OpenAiCompatibleOptions _options;
    private readonly TimeProvider _time;
    private readonly Uri? _endpoint;
    private readonly HttpClient? _probeHttp;
    private readonly IChatClient? _chatClient;
    private readonly IEmbeddingGenerator<string, Embedding<float>>? _embeddingGenerator;
    private readonly ModelCircuit? _circuit;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Probe? _last;

    /// <exception cref="FormatException">The configured endpoint is not an absolute http(s) URL.</exception>
    public OpenAiCompatibleModelProvider(
        OpenAiCompatibleOptions options, IHttpClientFactory httpClients, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClients);
        loggerFactory ??= NullLoggerFactory.Instance;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        if (!options.IsConfigured)
            return;

        _endpoint = options.ResolveEndpoint();
        _probeHttp = httpClients.CreateClient(RagLabHttpClients.OpenAiCompatible);
        if (!string.IsNullOrWhiteSpace(options.ApiKey))
            _probeHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        var client = options.CreateClient(httpClients.CreateClient(RagLabHttpClients.OpenAiCompatible));
        var endpoint = _endpoint;
        if (options.ChatModel is { Length: > 0 } chatModel)
        {
            var circuit = new ModelCircuit(chatModel, Math.Max(1, options.CircuitBreakerFailures), options.CircuitBreakDuration, _time,
                loggerFactory.CreateLogger<OpenAiCompatibleModelProvider>());
            _circuit = circuit;
            // Outermost first: the guard sees every failure, already translated into an actionable ModelCallException.
            _chatClient = new ChatClientBuilder(client.GetChatClient(chatModel).AsIChatClient())
                .Use(inner => new GuardedChatClient(inner, circuit, endpoint.ToString(), OpenAiCompatibleOptions.SectionName,
                    options.StreamIdleTimeout, options.RequestTimeout))
                .UseLogging(loggerFactory)
                .UseOpenTelemetry(loggerFactory)
                .Use(inner => new ModelCallErrorChatClient(inner, ex => OpenAiCompatibleErrors.Translate(ex, endpoint, chatModel)))
                .Build();
        }
        if (options.EmbeddingModel is { Length: > 0 } embeddingModel)
            _embeddingGenerator = new EmbeddingGeneratorBuilder<string, Embedding<float>>(client.GetEmbeddingClient(embeddingModel).AsIEmbeddingGenerator())
                .UseLogging(loggerFactory)
                .Use(inner => new ModelCallErrorEmbeddingGenerator(inner, ex => OpenAiCompatibleErrors.Translate(ex, endpoint, embeddingModel)))
                .Build();
    }

    /// <summary>The chat client, or null while the model is unavailable or its circuit is open (answers then turn extractive).</summary>
    public async ValueTask<IChatClient?> GetChatClientAsync(CancellationToken cancellationToken) =>
        _chatClient is not null && _circuit?.IsOpen != true && (await GetProbeAsync(cancellationToken).ConfigureAwait(false)).Serves(_options.ChatModel!) ? _chatClient : null;

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
        var circuitOpen = _circuit?.OpenReason;
        if (circuitOpen is not null)
            problems.Add(circuitOpen);
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
        return new ModelStatus("openai", _endpoint.ToString(), _options.ChatModel, chat && circuitOpen is null, _options.EmbeddingModel, embeddings,
            problems.Count > 0 ? string.Join(" ", problems) : null);
    }

    public void Dispose() => _gate.Dispose();

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
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.ProbeTimeout);
            using var response = await _probeHttp!.GetAsync(url, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                return new Probe(false, null, $"The server at {_endpoint} rejected the API key (HTTP {(int)response.StatusCode}); set RagLab:OpenAI:ApiKey.", now);
            if (!response.IsSuccessStatusCode)
                return new Probe(true, null,
                    $"The server at {_endpoint} could not list its models (GET /models: HTTP {(int)response.StatusCode}); assuming the configured models exist.", now);

            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return new Probe(true, ParseModelIds(body), null, now);
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            return new Probe(false, null, $"The server at {_endpoint} is not reachable ({ex.Message}). Check RagLab:OpenAI:Endpoint.", now);
        }
        catch (Exception ex) when (ex is OperationCanceledException or Polly.Timeout.TimeoutRejectedException && !cancellationToken.IsCancellationRequested)
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
