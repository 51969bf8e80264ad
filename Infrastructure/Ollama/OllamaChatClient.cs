using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using RagLab.Core.Telemetry;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Ollama;

/// <summary>
/// <see cref="IChatClient"/> over Ollama's native <c>POST /api/chat</c>: one JSON object with <c>stream:false</c>, NDJSON read line by
/// line with <c>stream:true</c>. Usage comes from the final <c>done</c> object.
/// </summary>
/// <remarks>Does not dispose <paramref name="httpClient"/>; whoever created it does.</remarks>
/// <param name="httpClient">Its <see cref="HttpClient.BaseAddress"/> is the Ollama endpoint; its timeout bounds each request.</param>
/// <param name="model">The model used when <see cref="ChatOptions.ModelId"/> is not set.</param>
public sealed class OllamaChatClient(HttpClient httpClient, string model) : IChatClient
{
    private const string ChatPath = "api/chat";
    private readonly Uri _endpoint = OllamaHttp.RequireBaseAddress(httpClient);
    private readonly string _model = string.IsNullOrWhiteSpace(model) ? throw new ArgumentException("A chat model name is required.", nameof(model)) : model;

    public ChatClientMetadata Metadata => new("ollama", _endpoint, _model);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = BuildRequest(messages, options, stream: false);
        using var activity = StartActivity(request.Model, streaming: false);
        try
        {
            using var response = await OllamaHttp.SendAsync(httpClient, HttpMethod.Post, ChatPath, request, request.Model, headersOnly: false, cancellationToken).ConfigureAwait(false);
            var chunk = await OllamaHttp.ReadJsonAsync<OllamaChatChunk>(response, _endpoint, cancellationToken).ConfigureAwait(false);
            var usage = ToUsage(chunk);
            Record(activity, request.Model, usage, chunk.DoneReason);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, chunk.Message?.Content ?? string.Empty))
            {
                ModelId = chunk.Model ?? request.Model,
                CreatedAt = chunk.CreatedAt,
                FinishReason = ToFinishReason(chunk.DoneReason),
                Usage = usage,
                ResponseId = NewId(),
                RawRepresentation = chunk,
                AdditionalProperties = Durations(chunk),
            };
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = BuildRequest(messages, options, stream: true);
        using var activity = StartActivity(request.Model, streaming: true);
        using var response = await SendStreamingAsync(request, activity, cancellationToken).ConfigureAwait(false);
        var responseId = NewId();
        var messageId = NewId();
        var sawDone = false;

        await using var chunks = OllamaHttp.ReadNdjsonAsync<OllamaChatChunk>(response, _endpoint, c => c.Error, cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            OllamaChatChunk chunk;
            try
            {
                if (!await chunks.MoveNextAsync().ConfigureAwait(false))
                    break;
                chunk = chunks.Current;
            }
            catch (Exception ex) when (activity is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, ex.Message);
                throw;
            }

            var update = new ChatResponseUpdate(ChatRole.Assistant, chunk.Message?.Content ?? string.Empty)
            {
                ModelId = chunk.Model ?? request.Model,
                CreatedAt = chunk.CreatedAt,
                ResponseId = responseId,
                MessageId = messageId,
                RawRepresentation = chunk,
            };
            if (chunk.Done)
            {
                sawDone = true;
                var usage = ToUsage(chunk);
                update.FinishReason = ToFinishReason(chunk.DoneReason);
                update.AdditionalProperties = Durations(chunk);
                if (usage is not null)
                    update.Contents.Add(new UsageContent(usage));
                Record(activity, request.Model, usage, chunk.DoneReason);
            }
            yield return update;
            if (chunk.Done)
                break;
        }

        if (!sawDone)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "stream ended early");
            throw new OllamaException($"Ollama at {_endpoint} closed the stream before its final \"done\" object; the answer is incomplete.");
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        // The HttpClient belongs to the caller.
    }

    private async Task<HttpResponseMessage> SendStreamingAsync(OllamaChatRequest request, Activity? activity, CancellationToken cancellationToken)
    {
        try
        {
            return await OllamaHttp.SendAsync(httpClient, HttpMethod.Post, ChatPath, request, request.Model, headersOnly: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    private OllamaChatRequest BuildRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var wire = new List<OllamaWireMessage>();
        if (!string.IsNullOrEmpty(options?.Instructions))
            wire.Add(new OllamaWireMessage("system", options.Instructions));
        foreach (var message in messages)
            wire.Add(ToWire(message));

        return new OllamaChatRequest(
            Model: string.IsNullOrWhiteSpace(options?.ModelId) ? _model : options.ModelId,
            Messages: wire,
            Stream: stream,
            Options: ToOptions(options),
            Format: ToFormat(options?.ResponseFormat));
    }

    private static OllamaWireMessage ToWire(ChatMessage message)
    {
        var role = message.Role == ChatRole.System ? "system"
            : message.Role == ChatRole.Assistant ? "assistant"
            : message.Role == ChatRole.Tool ? "tool"
            : "user";
        var images = message.Contents.OfType<DataContent>()
            .Where(d => d.HasTopLevelMediaType("image"))
            .Select(d => Convert.ToBase64String(d.Data.Span))
            .ToList();
        return new OllamaWireMessage(role, message.Text, images.Count > 0 ? images : null);
    }

    /// <summary>ChatOptions → Modelfile parameters (<c>options</c>); extra keys in AdditionalProperties (e.g. <c>num_ctx</c>) pass through.</summary>
    private static Dictionary<string, object>? ToOptions(ChatOptions? options)
    {
        if (options is null)
            return null;
        var result = new Dictionary<string, object>();
        if (options.Temperature is { } temperature) result["temperature"] = temperature;
        if (options.TopP is { } topP) result["top_p"] = topP;
        if (options.TopK is { } topK) result["top_k"] = topK;
        if (options.MaxOutputTokens is { } maxTokens) result["num_predict"] = maxTokens;
        if (options.Seed is { } seed) result["seed"] = seed;
        if (options.FrequencyPenalty is { } frequency) result["frequency_penalty"] = frequency;
        if (options.PresencePenalty is { } presence) result["presence_penalty"] = presence;
        if (options.StopSequences is { Count: > 0 } stop) result["stop"] = stop.ToArray();
        if (options.AdditionalProperties is { } extra)
            foreach (var (key, value) in extra)
                if (value is not null)
                    result.TryAdd(key, value);
        return result.Count > 0 ? result : null;
    }

    private static JsonElement? ToFormat(ChatResponseFormat? format) => format switch
    {
        ChatResponseFormatJson { Schema: { } schema } => schema,
        ChatResponseFormatJson => JsonSerializer.SerializeToElement("json"),
        _ => null,
    };

    private static UsageDetails? ToUsage(OllamaChatChunk chunk)
    {
        if (chunk.PromptEvalCount is null && chunk.EvalCount is null)
            return null;
        return new UsageDetails
        {
            InputTokenCount = chunk.PromptEvalCount,
            OutputTokenCount = chunk.EvalCount,
            TotalTokenCount = (chunk.PromptEvalCount ?? 0) + (chunk.EvalCount ?? 0),
        };
    }

    internal static ChatFinishReason? ToFinishReason(string? doneReason) => doneReason switch
    {
        null or "" => null,
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        _ => new ChatFinishReason(doneReason),
    };

    /// <summary>Ollama's timings (nanoseconds), kept for whoever wants time-to-first-token or load time.</summary>
    private static AdditionalPropertiesDictionary? Durations(OllamaChatChunk chunk)
    {
        var result = new AdditionalPropertiesDictionary();
        if (chunk.TotalDuration is { } total) result["total_duration"] = total;
        if (chunk.LoadDuration is { } load) result["load_duration"] = load;
        if (chunk.PromptEvalDuration is { } prompt) result["prompt_eval_duration"] = prompt;
        if (chunk.EvalDuration is { } eval) result["eval_duration"] = eval;
        return result.Count > 0 ? result : null;
    }

    private Activity? StartActivity(string model, bool streaming)
    {
        var activity = RagLabTelemetry.ActivitySource.StartActivity("generate", ActivityKind.Client);
        activity?.SetTag("gen_ai.system", "ollama");
        activity?.SetTag("gen_ai.request.model", model);
        activity?.SetTag("server.address", _endpoint.ToString());
        activity?.SetTag("raglab.streaming", streaming);
        return activity;
    }

    private static void Record(Activity? activity, string model, UsageDetails? usage, string? doneReason)
    {
        RagLabTelemetry.RecordTokenUsage(activity, model, usage?.InputTokenCount, usage?.OutputTokenCount);
        if (doneReason is not null)
            activity?.SetTag("gen_ai.response.finish_reasons", doneReason);
    }

    private static string NewId() => Guid.NewGuid().ToString("N");
}
