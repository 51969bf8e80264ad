using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace RagLab.Testing;

// The OpenAI-compatible side of FakeOllamaServer, per api_openai-compatibility.mdx.
public sealed partial class FakeOllamaServer
{
    private Task WriteOpenAiError(HttpContext context, int status, string message) =>
        WriteJson(context, status, new { error = new { message, type = ErrorType(status), param = (string?)null, code = (string?)null } });

    // As Ollama's OpenAI middleware names them.
    private static string ErrorType(int status) => status switch
    {
        400 => "invalid_request_error",
        404 => "not_found_error",
        _ => "api_error",
    };

    private async Task OpenAiChat(HttpContext context)
    {
        if (!TryReadBody(context, out var body) || GetString(body, "model") is not { } model)
        {
            await WriteOpenAiError(context, 400, "model is required");
            return;
        }
        if (!HasModel(model))
        {
            await WriteOpenAiError(context, 404, ModelNotFound(model));
            return;
        }

        if (FailChat)
        {
            await WriteOpenAiError(context, 500, "llama runner process has terminated: exit status 2");
            return;
        }

        var messages = ReadMessages(body);
        var limit = GetInt(body, "max_completion_tokens") ?? GetInt(body, "max_tokens");
        var (tokens, finishReason) = Answer(model, messages, limit);
        var promptTokens = messages.Sum(m => CountTokens(m.Content));
        var usage = new { prompt_tokens = promptTokens, completion_tokens = tokens.Count, total_tokens = promptTokens + tokens.Count };
        var id = "chatcmpl-" + Random.Shared.Next(100, 999);
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var stream = body.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        if (!stream)
        {
            await WriteJson(context, 200, new
            {
                id,
                @object = "chat.completion",
                created,
                model,
                system_fingerprint = "fp_ollama",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = string.Concat(tokens) }, finish_reason = finishReason } },
                usage,
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        for (var i = 0; i < tokens.Count; i++)
        {
            if (i == StallStreamAfterTokens)
            {
                await StallAsync(context);
                return;
            }
            var token = tokens[i];
            await Task.Delay(TokenDelay, context.RequestAborted);
            await WriteEvent(context, Chunk(id, created, model, new { role = "assistant", content = token }, null));
        }
        await WriteEvent(context, Chunk(id, created, model, new { role = "assistant", content = "" }, finishReason));
        var includeUsage = body.TryGetProperty("stream_options", out var options) && options.ValueKind == JsonValueKind.Object
            && options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True;
        if (includeUsage)
            await WriteEvent(context, new { id, @object = "chat.completion.chunk", created, model, system_fingerprint = "fp_ollama", choices = Array.Empty<object>(), usage });
        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
    }

    private static object Chunk(string id, long created, string model, object delta, string? finishReason) => new
    {
        id,
        @object = "chat.completion.chunk",
        created,
        model,
        system_fingerprint = "fp_ollama",
        choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
    };

    private static async Task WriteEvent(HttpContext context, object data)
    {
        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(data) + "\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private Task OpenAiEmbeddings(HttpContext context)
    {
        if (!TryReadBody(context, out var body) || GetString(body, "model") is not { } model)
            return WriteOpenAiError(context, 400, "model is required");
        if (!HasModel(model))
            return WriteOpenAiError(context, 404, ModelNotFound(model));
        if (ReadInput(body) is not { } inputs)
            return WriteOpenAiError(context, 400, "invalid input type");

        var base64 = GetString(body, "encoding_format") == "base64";
        var promptTokens = inputs.Sum(CountTokens);
        return WriteJson(context, 200, new
        {
            @object = "list",
            data = inputs.Select((text, index) =>
            {
                var vector = FakeOllamaEmbedding.Embed(text);
                // base64 is the little-endian float32 bytes, as OpenAI sends them.
                object embedding = base64 ? Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())) : vector;
                return new { @object = "embedding", embedding, index };
            }).ToList(),
            model,
            usage = new { prompt_tokens = promptTokens, total_tokens = promptTokens },
        });
    }

    private Task OpenAiModels(HttpContext context) => WriteJson(context, 200, new
    {
        @object = "list",
        data = ModelNames().Select(ModelEntry).ToList(),
    });

    private Task OpenAiModel(HttpContext context)
    {
        var model = context.Request.RouteValues["model"] as string;
        return HasModel(model)
            ? WriteJson(context, 200, ModelEntry(model!))
            : WriteOpenAiError(context, 404, $"model \"{model}\" not found");
    }

    private static object ModelEntry(string name) => new { id = WithTag(name), @object = "model", created = 1_746_889_608L, owned_by = "library" };
}
