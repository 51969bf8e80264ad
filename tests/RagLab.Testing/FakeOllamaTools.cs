using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace RagLab.Testing;

/// <summary>A tool a chat request offered, as api.md's <c>tools</c> entries carry it: <c>{"type": "function", "function": {name, description, parameters}}</c>.</summary>
public sealed record FakeTool(string Name, string? Description, JsonElement Parameters);

/// <summary>A tool call: <c>{"function": {"name": …, "arguments": {…}}}</c> (api.md, "Chat request (Streaming with tools)").</summary>
public sealed record FakeToolCall(string Name, IReadOnlyDictionary<string, object?> Arguments);

/// <summary>What a chat request carried, for deciding on tool calls.</summary>
public sealed record FakeChatRequest(string Model, IReadOnlyList<FakeChatMessage> Messages, IReadOnlyList<FakeTool> Tools);

// Tool calling on /api/chat, per api.md ("Tool calling", "Chat request (Streaming with tools)", "Chat request (With history, with tools)")
// and openapi.yaml (ChatRequest.tools, ToolDefinition, ChatMessage.tool_calls, ToolCall).
public sealed partial class FakeOllamaServer
{
    /// <summary>
    /// Decides whether a chat request that offers tools is answered with tool calls: return the calls, or null (or none) to answer
    /// with <see cref="Respond"/>. Not asked for requests without tools.
    /// </summary>
    public Func<FakeChatRequest, IReadOnlyList<FakeToolCall>?>? CallTools { get; set; }

    /// <summary>Chat models reported without the <c>tools</c> capability; a chat request offering them tools gets 400, as Ollama answers.</summary>
    public ISet<string> ModelsWithoutTools { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    private bool SupportsTools(string model) => !ModelsWithoutTools.Any(m => SameModel(m, model));

    /// <summary>The request's tools; null (after writing a 400) when one is not a function tool with a name and JSON-schema parameters.</summary>
    private static bool TryReadTools(JsonElement body, out List<FakeTool> tools, out string? error)
    {
        tools = [];
        error = null;
        if (!body.TryGetProperty("tools", out var array) || array.ValueKind == JsonValueKind.Null) return true;
        if (array.ValueKind != JsonValueKind.Array)
        {
            error = "tools must be an array";
            return false;
        }
        foreach (var tool in array.EnumerateArray())
        {
            if (GetString(tool, "type") != "function" || !tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                || GetString(function, "name") is not { Length: > 0 } name
                || !function.TryGetProperty("parameters", out var parameters) || parameters.ValueKind != JsonValueKind.Object)
            {
                error = "each tool needs \"type\": \"function\" and a function with a name and parameters";
                return false;
            }
            tools.Add(new FakeTool(name, GetString(function, "description"), parameters.Clone()));
        }
        return true;
    }

    private static IReadOnlyList<FakeToolCall>? ReadToolCalls(JsonElement message)
    {
        if (!message.TryGetProperty("tool_calls", out var calls) || calls.ValueKind != JsonValueKind.Array) return null;
        var result = new List<FakeToolCall>();
        foreach (var call in calls.EnumerateArray())
        {
            if (!call.TryGetProperty("function", out var function)) continue;
            var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (function.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.Object)
                foreach (var property in args.EnumerateObject()) arguments[property.Name] = property.Value.Clone();
            result.Add(new FakeToolCall(GetString(function, "name") ?? "", arguments));
        }
        return result;
    }

    private static object ToolCallsJson(IReadOnlyList<FakeToolCall> calls) =>
        calls.Select(c => new { function = new { name = c.Name, arguments = c.Arguments } }).ToArray();

    /// <summary>Answers with tool calls: streamed as one message with <c>tool_calls</c> and then the final <c>done</c> object, or as one object.</summary>
    private async Task WriteToolCalls(HttpContext context, string model, IReadOnlyList<FakeToolCall> calls, bool stream, int promptTokens)
    {
        var message = new { role = "assistant", content = "", tool_calls = ToolCallsJson(calls) };
        if (!stream)
        {
            await WriteJson(context, 200, new
            {
                model, created_at = Now(), message, done_reason = "stop", done = true,
                total_duration = 6_000_000L, load_duration = 1_000_000L, prompt_eval_count = promptTokens, prompt_eval_duration = 2_000_000L,
                eval_count = calls.Count * 10, eval_duration = 3_000_000L,
            });
            return;
        }
        context.Response.ContentType = "application/x-ndjson";
        await WriteLine(context, new { model, created_at = Now(), message, done = false });
        await WriteLine(context, Final(model, "", "stop", promptTokens, calls.Count * 10));
    }
}
