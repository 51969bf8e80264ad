using System.ClientModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using OpenAI;
using RagLab.Core.Telemetry;
using Sdk = OpenAI.Chat;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.OpenAI;

/// <summary><see cref="IChatClient"/> over <c>/chat/completions</c> of an OpenAI-compatible server, through the OpenAI SDK.</summary>
/// <param name="client">The SDK client; <see cref="OpenAiCompatibleOptions.CreateClient"/> makes one.</param>
/// <param name="model">The model used when <see cref="ChatOptions.ModelId"/> is not set.</param>
/// <param name="endpoint">Shown in metadata and error messages.</param>
public sealed class OpenAiCompatibleChatClient(OpenAIClient client, string model, Uri endpoint) : IChatClient
{
    private readonly string _model = string.IsNullOrWhiteSpace(model) ? throw new ArgumentException("A chat model name is required.", nameof(model)) : model;

    /// <summary>A client for the configured endpoint and <see cref="OpenAiCompatibleOptions.ChatModel"/>.</summary>
    public static OpenAiCompatibleChatClient Create(OpenAiCompatibleOptions options) =>
        new(options.CreateClient(), options.ChatModel ?? throw new ArgumentException("RagLab:OpenAI:ChatModel is not set.", nameof(options)), options.ResolveEndpoint());

    public ChatClientMetadata Metadata => new("openai", endpoint, _model);

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var model = ModelFor(options);
        using var activity = StartActivity(model);
        Sdk.ChatCompletion completion;
        try
        {
            var result = await client.GetChatClient(model).CompleteChatAsync(ToSdkMessages(messages, options), ToSdkOptions(options), cancellationToken).ConfigureAwait(false);
            completion = result.Value;
        }
        catch (Exception ex) when (ex is ClientResultException or HttpRequestException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw OpenAiCompatibleException.From(ex, endpoint, model);
        }

        var text = string.Concat(completion.Content.Select(part => part.Text));
        var usage = ToUsage(completion.Usage);
        RagLabTelemetry.RecordTokenUsage(activity, model, usage?.InputTokenCount, usage?.OutputTokenCount);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = completion.Model ?? model,
            ResponseId = completion.Id,
            CreatedAt = completion.CreatedAt,
            FinishReason = ToFinishReason(completion.FinishReason),
            Usage = usage,
            RawRepresentation = completion,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var model = ModelFor(options);
        using var activity = StartActivity(model);
        var updates = client.GetChatClient(model).CompleteChatStreamingAsync(ToSdkMessages(messages, options), ToSdkOptions(options), cancellationToken);
        await using var enumerator = updates.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            Sdk.StreamingChatCompletionUpdate update;
            try
            {
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    break;
                update = enumerator.Current;
            }
            catch (Exception ex) when (ex is ClientResultException or HttpRequestException)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                throw OpenAiCompatibleException.From(ex, endpoint, model);
            }

            var result = new ChatResponseUpdate(ChatRole.Assistant, string.Concat(update.ContentUpdate.Select(part => part.Text)))
            {
                ModelId = update.Model ?? model,
                ResponseId = update.CompletionId,
                MessageId = update.CompletionId,
                CreatedAt = update.CreatedAt,
                FinishReason = update.FinishReason is { } finish ? ToFinishReason(finish) : null,
                RawRepresentation = update,
            };
            if (ToUsage(update.Usage) is { } usage)
            {
                result.Contents.Add(new UsageContent(usage));
                RagLabTelemetry.RecordTokenUsage(activity, model, usage?.InputTokenCount, usage?.OutputTokenCount);
            }
            yield return result;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? Metadata
        : serviceType == typeof(OpenAIClient) ? client
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        // The SDK client holds no resources of its own to release.
    }

    private string ModelFor(ChatOptions? options) => string.IsNullOrWhiteSpace(options?.ModelId) ? _model : options.ModelId;

    private static List<Sdk.ChatMessage> ToSdkMessages(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = new List<Sdk.ChatMessage>();
        if (!string.IsNullOrEmpty(options?.Instructions))
            result.Add(new Sdk.SystemChatMessage(options.Instructions));
        foreach (var message in messages)
        {
            Sdk.ChatMessage converted = message.Role == ChatRole.System ? new Sdk.SystemChatMessage(message.Text)
                : message.Role == ChatRole.Assistant ? new Sdk.AssistantChatMessage(message.Text)
                : new Sdk.UserChatMessage(message.Text);
            result.Add(converted);
        }
        return result;
    }

    private static Sdk.ChatCompletionOptions ToSdkOptions(ChatOptions? options)
    {
        var result = new Sdk.ChatCompletionOptions();
        if (options is null)
            return result;
        result.Temperature = options.Temperature;
        result.TopP = options.TopP;
        result.MaxOutputTokenCount = options.MaxOutputTokens;
        result.FrequencyPenalty = options.FrequencyPenalty;
        result.PresencePenalty = options.PresencePenalty;
#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK; the servers RagLab targets accept it.
        result.Seed = options.Seed;
#pragma warning restore OPENAI001
        if (options.StopSequences is { } stop)
            foreach (var sequence in stop)
                result.StopSequences.Add(sequence);
        if (options.ResponseFormat is ChatResponseFormatJson json)
            result.ResponseFormat = json.Schema is { } schema
                ? Sdk.ChatResponseFormat.CreateJsonSchemaFormat(json.SchemaName ?? "response", BinaryData.FromString(schema.GetRawText()), json.SchemaDescription)
                : Sdk.ChatResponseFormat.CreateJsonObjectFormat();
        return result;
    }

    private static UsageDetails? ToUsage(Sdk.ChatTokenUsage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.InputTokenCount,
        OutputTokenCount = usage.OutputTokenCount,
        TotalTokenCount = usage.TotalTokenCount,
    };

    private static ChatFinishReason ToFinishReason(Sdk.ChatFinishReason reason) => reason switch
    {
        Sdk.ChatFinishReason.Stop => ChatFinishReason.Stop,
        Sdk.ChatFinishReason.Length => ChatFinishReason.Length,
        Sdk.ChatFinishReason.ContentFilter => ChatFinishReason.ContentFilter,
        Sdk.ChatFinishReason.ToolCalls or Sdk.ChatFinishReason.FunctionCall => ChatFinishReason.ToolCalls,
        _ => new ChatFinishReason(reason.ToString()),
    };

    private Activity? StartActivity(string model)
    {
        var activity = RagLabTelemetry.ActivitySource.StartActivity("generate", ActivityKind.Client);
        activity?.SetTag("gen_ai.system", "openai");
        activity?.SetTag("gen_ai.request.model", model);
        activity?.SetTag("server.address", endpoint.ToString());
        return activity;
    }
}
