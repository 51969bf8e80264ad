using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace RagLab.Testing;

// POST /v1/chat/completions on FakeOpenAiFineTuningServer: the base models and the fine-tuned ones, one object or SSE chunks
// (`chat.completion` / `chat.completion.chunk`, with the usage chunk when stream_options.include_usage is true).
public sealed partial class FakeOpenAiFineTuningServer
{
    private async Task ChatAsync(HttpContext context)
    {
        JsonElement body;
        try { body = JsonDocument.Parse((string)context.Items["body"]!).RootElement.Clone(); }
        catch (JsonException ex)
        {
            await Error(400, $"We could not parse the JSON body of your request: {ex.Message}").ExecuteAsync(context);
            return;
        }
        var model = Text(body, "model");
        if (model is null || !(BaseModels.Contains(model) || FineTunedModels.Contains(model)))
        {
            await Error(404, $"The model `{model}` does not exist or you do not have access to it.", code: "model_not_found").ExecuteAsync(context);
            return;
        }

        var messages = ReadMessages(body);
        var tokens = FakeOllamaServer.Tokenize(Respond(model, messages));
        var limit = Int(body, "max_completion_tokens") ?? Int(body, "max_tokens");
        var finishReason = "stop";
        if (limit is > 0 && tokens.Count > limit)
        {
            tokens = tokens.Take(limit.Value).ToList();
            finishReason = "length";
        }
        var promptTokens = messages.Sum(m => FakeOllamaServer.Tokenize(m.Content).Count);
        var usage = new { prompt_tokens = promptTokens, completion_tokens = tokens.Count, total_tokens = promptTokens + tokens.Count };
        var id = $"chatcmpl-{Interlocked.Increment(ref _sequence):D6}";
        var created = Now();

        if (!(body.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True))
        {
            await Results.Json(new
            {
                id,
                @object = "chat.completion",
                created,
                model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = string.Concat(tokens), refusal = (string?)null }, logprobs = (object?)null, finish_reason = finishReason } },
                usage,
            }).ExecuteAsync(context);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        foreach (var token in tokens)
            await WriteEventAsync(context, Chunk(id, created, model, new { role = "assistant", content = token }, null, null));
        await WriteEventAsync(context, Chunk(id, created, model, new { }, finishReason, null));
        if (body.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True)
            await WriteEventAsync(context, new { id, @object = "chat.completion.chunk", created, model, choices = Array.Empty<object>(), usage });
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
    }

    private static object Chunk(string id, long created, string model, object delta, string? finishReason, object? usage) => new
    {
        id,
        @object = "chat.completion.chunk",
        created,
        model,
        choices = new[] { new { index = 0, delta, logprobs = (object?)null, finish_reason = finishReason } },
        usage,
    };

    private static async Task WriteEventAsync(HttpContext context, object data)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(data) + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static List<FakeChatMessage> ReadMessages(JsonElement body)
    {
        var messages = new List<FakeChatMessage>();
        if (!body.TryGetProperty("messages", out var array) || array.ValueKind != JsonValueKind.Array) return messages;
        foreach (var message in array.EnumerateArray())
        {
            var content = message.TryGetProperty("content", out var c) ? c : default;
            messages.Add(new FakeChatMessage(Text(message, "role") ?? "user", content.ValueKind switch
            {
                JsonValueKind.String => content.GetString() ?? "",
                // An array of content parts: the text parts.
                JsonValueKind.Array => string.Concat(content.EnumerateArray().Select(p => Text(p, "text") ?? "")),
                _ => "",
            }));
        }
        return messages;
    }

    private static int? Int(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;
}
