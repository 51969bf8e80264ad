using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagLab.Core.Generation;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Ollama;

/// <summary>
/// Hands out Ollama's chat client and embedding generator when the server answers and has the model. Chat and embeddings may live
/// on different servers (two Aspire connection strings). Each server is probed with <c>GET /api/tags</c> at most once per
/// <see cref="OllamaOptions.ProbeInterval"/>.
/// </summary>
public sealed class OllamaModelProvider : IModelProvider, IDisposable
{
    private readonly OllamaOptions _options;
    private readonly ModelEndpoint _chat;
    private readonly ModelEndpoint _embeddings;
    private readonly ILogger _logger;
    private readonly Dictionary<Uri, (HttpClient Http, OllamaApiClient Api, OllamaTagsProbe Probe)> _servers = [];
    private readonly OllamaChatClient _chatClient;
    private readonly OllamaEmbeddingGenerator _embeddingGenerator;
    private readonly ConcurrentDictionary<string, BackgroundPull> _pulls = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _disposed = new();

    /// <param name="options">Timeouts, probe interval, batch size, and the endpoint and models used when no connection string is given.</param>
    /// <param name="chat">The chat model and its server; defaults to <see cref="OllamaOptions.ResolveChat"/>.</param>
    /// <param name="embeddings">The embedding model and its server; defaults to <see cref="OllamaOptions.ResolveEmbeddings"/>.</param>
    /// <param name="timeProvider">The clock that ages probe outcomes; <see cref="TimeProvider.System"/> by default.</param>
    public OllamaModelProvider(
        OllamaOptions options,
        ModelEndpoint? chat = null,
        ModelEndpoint? embeddings = null,
        TimeProvider? timeProvider = null,
        ILogger<OllamaModelProvider>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _chat = chat ?? options.ResolveChat();
        _embeddings = embeddings ?? options.ResolveEmbeddings();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var clock = timeProvider ?? TimeProvider.System;

        foreach (var endpoint in new[] { _chat.Endpoint, _embeddings.Endpoint }.Distinct())
        {
            var http = new HttpClient { BaseAddress = endpoint, Timeout = options.RequestTimeout };
            var api = new OllamaApiClient(http);
            _servers[endpoint] = (http, api, new OllamaTagsProbe(api, options.ProbeTimeout, options.ProbeInterval, clock));
        }
        _chatClient = new OllamaChatClient(_servers[_chat.Endpoint].Http, _chat.Model);
        _embeddingGenerator = new OllamaEmbeddingGenerator(_servers[_embeddings.Endpoint].Http, _embeddings.Model, options.EmbeddingBatchSize);
    }

    public ModelEndpoint Chat => _chat;

    public ModelEndpoint Embeddings => _embeddings;

    public async ValueTask<IChatClient?> GetChatClientAsync(CancellationToken cancellationToken) =>
        await CheckAsync(_chat, cancellationToken).ConfigureAwait(false) is { Available: true } ? _chatClient : null;

    public async ValueTask<IEmbeddingGenerator<string, Embedding<float>>?> GetEmbeddingGeneratorAsync(CancellationToken cancellationToken) =>
        await CheckAsync(_embeddings, cancellationToken).ConfigureAwait(false) is { Available: true } ? _embeddingGenerator : null;

    public async ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var chat = await CheckAsync(_chat, cancellationToken).ConfigureAwait(false);
        var embeddings = await CheckAsync(_embeddings, cancellationToken).ConfigureAwait(false);
        var errors = new[] { chat.Error, embeddings.Error }.OfType<string>().Distinct().ToList();
        return new ModelStatus(
            Provider: "ollama",
            Endpoint: _chat.Endpoint.ToString(),
            ChatModel: _chat.Model,
            ChatAvailable: chat.Available,
            EmbeddingModel: _embeddings.Model,
            EmbeddingsAvailable: embeddings.Available,
            Error: errors.Count > 0 ? string.Join(" ", errors) : null);
    }

    public void Dispose()
    {
        _disposed.Cancel();
        foreach (var (http, _, probe) in _servers.Values)
        {
            probe.Dispose();
            http.Dispose();
        }
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
                    await foreach (var progress in api.PullAsync(target.Model, _disposed.Token).ConfigureAwait(false))
                        pull.Last = progress;
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

        public volatile OllamaPullProgress? Last;

        public string Describe() => Last switch
        {
            { Percent: { } percent } last => $": {last.Status} {percent:0}%",
            { } last => $": {last.Status}",
            null => string.Empty,
        };
    }
}
