using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OllamaSharp;
using OllamaSharp.Models;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.Hosting;
using RagLab.Infrastructure.ModelClients;

namespace RagLab.Infrastructure.Ollama;

/// <summary>
/// Hands out Ollama's chat client and embedding generator when the server answers and has the model. Chat and embeddings may live
/// on different servers (two Aspire connection strings). Each server is probed with <c>GET /api/tags</c> at most once per
/// <see cref="OllamaOptions.ProbeInterval"/>. The clients are OllamaSharp's <see cref="OllamaApiClient"/> on the
/// <see cref="RagLabHttpClients.Ollama"/> HttpClient, behind a Microsoft.Extensions.AI pipeline (logging, OpenTelemetry), with RagLab's
/// thin layer on top: actionable <see cref="ModelCallException"/>s and <c>num_ctx</c> on every chat request.
/// </summary>
public sealed class OllamaModelProvider : IModelProvider, IDisposable
{
    private readonly OllamaOptions _options;
    private readonly ModelEndpoint _chat;
    private readonly ModelEndpoint _embeddings;
    private readonly ILogger _logger;
    private readonly Dictionary<Uri, (OllamaApiClient Api, OllamaTagsProbe Probe)> _servers = [];
    private readonly IChatClient _chatClient;
    private readonly IEmbeddingGenerator<string, Embedding<float>> _embeddingGenerator;
    private readonly OllamaContextWindow _contextWindow;
    private readonly OllamaChatModelInfo _chatModelInfo;
    private readonly ModelCircuit _circuit;
    private readonly ConcurrentDictionary<string, BackgroundPull> _pulls = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _disposed = new();

    /// <param name="options">Timeouts, probe interval, and the endpoint and models used when no connection string is given.</param>
    /// <param name="httpClients">Makes the <see cref="RagLabHttpClients.Ollama"/> clients (see <see cref="RagLabHttpClients.AddResilientHttpClient"/>).</param>
    /// <param name="chat">The chat model and its server; defaults to <see cref="OllamaOptions.ResolveChat"/>.</param>
    /// <param name="embeddings">The embedding model and its server; defaults to <see cref="OllamaOptions.ResolveEmbeddings"/>.</param>
    /// <param name="timeProvider">The clock that ages probe outcomes; <see cref="TimeProvider.System"/> by default.</param>
    public OllamaModelProvider(
        OllamaOptions options,
        IHttpClientFactory httpClients,
        ModelEndpoint? chat = null,
        ModelEndpoint? embeddings = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(httpClients);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _chat = chat ?? options.ResolveChat();
        _embeddings = embeddings ?? options.ResolveEmbeddings();
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<OllamaModelProvider>();
        var clock = timeProvider ?? TimeProvider.System;

        foreach (var endpoint in new[] { _chat.Endpoint, _embeddings.Endpoint }.Distinct())
        {
            var api = new OllamaApiClient(CreateClient(httpClients, endpoint));
            _servers[endpoint] = (api, new OllamaTagsProbe(api, endpoint, options.ProbeTimeout, options.ProbeInterval, clock));
        }

        var chatApi = _servers[_chat.Endpoint].Api;
        _contextWindow = new OllamaContextWindow(chatApi, _chat.Model, options.MaxContextTokens);
        _chatModelInfo = new OllamaChatModelInfo(chatApi);
        // Outermost first. One span per call: Microsoft.Extensions.AI's gen_ai "chat {model}" span, with token counts.
        _circuit = new ModelCircuit(_chat.Model, Math.Max(1, options.CircuitBreakerFailures), options.CircuitBreakDuration, clock, _logger);
        _chatClient = new ChatClientBuilder(new OllamaApiClient(CreateClient(httpClients, _chat.Endpoint), _chat.Model))
            .Use(inner => new GuardedChatClient(inner, _circuit, _chat.Endpoint.ToString(), OllamaOptions.SectionName, options.StreamIdleTimeout, options.RequestTimeout))
            .UseLogging(loggerFactory)
            .UseOpenTelemetry(loggerFactory)
            .Use(inner => new ModelCallErrorChatClient(inner, ex => OllamaErrors.Translate(ex, _chat.Endpoint, _chat.Model, options.RequestTimeout)))
            .Use(inner => new OllamaStreamEndChatClient(inner, _chat.Endpoint))
            .Use(inner => new OllamaContextWindowChatClient(inner, _contextWindow))
            .Build();
        _embeddingGenerator = new EmbeddingGeneratorBuilder<string, Embedding<float>>(
                new OllamaApiClient(CreateClient(httpClients, _embeddings.Endpoint), _embeddings.Model))
            .UseLogging(loggerFactory)
            .Use(inner => new ModelCallErrorEmbeddingGenerator(inner, ex => OllamaErrors.Translate(ex, _embeddings.Endpoint, _embeddings.Model, options.RequestTimeout)))
            .Build();
    }

    private static HttpClient CreateClient(IHttpClientFactory httpClients, Uri endpoint)
    {
        var http = httpClients.CreateClient(RagLabHttpClients.Ollama);
        http.BaseAddress = endpoint;
        return http;
    }

    public ModelEndpoint Chat => _chat;

    public ModelEndpoint Embeddings => _embeddings;

    /// <summary>The chat client, or null while the model is unavailable or its circuit is open (answers then turn extractive).</summary>
    public async ValueTask<IChatClient?> GetChatClientAsync(CancellationToken cancellationToken) =>
        !_circuit.IsOpen && await CheckAsync(_chat, cancellationToken).ConfigureAwait(false) is { Available: true } ? _chatClient : null;

    public async ValueTask<IEmbeddingGenerator<string, Embedding<float>>?> GetEmbeddingGeneratorAsync(CancellationToken cancellationToken) =>
        await CheckAsync(_embeddings, cancellationToken).ConfigureAwait(false) is { Available: true } ? _embeddingGenerator : null;

    /// <summary>The chat model's window (capped at <see cref="OllamaOptions.MaxContextTokens"/>), or null while the model is unavailable.</summary>
    public async ValueTask<int?> GetChatContextLengthAsync(CancellationToken cancellationToken) =>
        await CheckAsync(_chat, cancellationToken).ConfigureAwait(false) is { Available: true }
            ? await _contextWindow.GetAsync(cancellationToken).ConfigureAwait(false)
            : null;

    /// <summary>The model's own window (uncapped) and capabilities from <c>/api/show</c>, or null while the chat server is unavailable.</summary>
    public async ValueTask<ChatModelInfo?> GetChatModelInfoAsync(string? model, CancellationToken cancellationToken) =>
        await CheckAsync(_chat, cancellationToken).ConfigureAwait(false) is { Available: true }
            ? await _chatModelInfo.GetAsync(model ?? _chat.Model, cancellationToken).ConfigureAwait(false)
            : null;

    public async ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var chat = await CheckAsync(_chat, cancellationToken).ConfigureAwait(false);
        var embeddings = await CheckAsync(_embeddings, cancellationToken).ConfigureAwait(false);
        var circuitOpen = _circuit.OpenReason;
        var errors = new[] { circuitOpen, chat.Error, embeddings.Error }.OfType<string>().Distinct().ToList();
        return new ModelStatus(
            Provider: "ollama",
            Endpoint: _chat.Endpoint.ToString(),
            ChatModel: _chat.Model,
            ChatAvailable: chat.Available && circuitOpen is null,
            EmbeddingModel: _embeddings.Model,
            EmbeddingsAvailable: embeddings.Available,
            Error: errors.Count > 0 ? string.Join(" ", errors) : null);
    }

    public void Dispose()
    {
        _disposed.Cancel();
        foreach (var (_, probe) in _servers.Values)
            probe.Dispose();
        _disposed.Dispose();
    }

    private async ValueTask<(bool Available, string? Error)> CheckAsync(ModelEndpoint target, CancellationToken cancellationToken)
    {
        var server = _servers[target.Endpoint];
        var probe = await server.Probe.GetAsync(cancellationToken).ConfigureAwait(false);
        if (!probe.Reachable)
            return (false, probe.Error);
        if (probe.HasModel(target.Model))
            return (true, null);

        var missing = $"Ollama at {target.Endpoint} has no model '{target.Model}'; run: ollama pull {target.Model}";
        if (!_options.PullMissingModels)
            return (false, missing);
        var pull = StartPull(target, server.Api, server.Probe);
        return (false, $"{missing} (RagLab is pulling it now{pull.Describe()})");
    }

    private BackgroundPull StartPull(ModelEndpoint target, OllamaApiClient api, OllamaTagsProbe probe)
    {
        var key = $"{target.Endpoint}|{target.Model}";
        return _pulls.GetOrAdd(key, _ =>
        {
            var pull = new BackgroundPull();
            pull.Task = Task.Run(async () =>
            {
                try
                {
                    _logger.LogInformation("Pulling missing model {Model} on {Endpoint}", target.Model, target.Endpoint);
                    await foreach (var progress in api.PullModelAsync(target.Model, _disposed.Token).ConfigureAwait(false))
                        pull.Last = progress ?? pull.Last;
                    _logger.LogInformation("Pulled model {Model} on {Endpoint}", target.Model, target.Endpoint);
                }
                catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    _logger.LogWarning(ex, "Pulling model {Model} on {Endpoint} failed", target.Model, target.Endpoint);
                }
                // Success or failure: probe afresh; after a failure the next check starts a new pull.
                _pulls.TryRemove(key, out BackgroundPull? _);
                probe.Invalidate();
            });
            return pull;
        });
    }

    private sealed class BackgroundPull
    {
        public Task? Task { get; set; }

        public volatile PullModelResponse? Last;

        public string Describe() => Last switch
        {
            { Total: > 0 } last => $": {last.Status} {last.Percent:0}%",
            { } last => $": {last.Status}",
            null => string.Empty,
        };
    }
}
