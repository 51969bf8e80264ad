using System.Text.Json;

namespace RagLab.Testing;

/// <summary>A chat message as <see cref="FakeOllamaServer"/> received it (from <c>/api/chat</c> or <c>/v1/chat/completions</c>).</summary>
/// <param name="ToolCalls">An assistant message's <c>tool_calls</c>, when it has them.</param>
/// <param name="ToolName">A <c>tool</c> message's optional <c>tool_name</c>.</param>
public sealed record FakeChatMessage(string Role, string Content, IReadOnlyList<FakeToolCall>? ToolCalls = null, string? ToolName = null);

/// <summary>One request <see cref="FakeOllamaServer"/> received: method, path and the raw JSON body (empty for GET).</summary>
public sealed record FakeRecordedRequest(string Method, string Path, string Body)
{
    /// <summary>The body parsed as JSON, for asserting field names and values.</summary>
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}
