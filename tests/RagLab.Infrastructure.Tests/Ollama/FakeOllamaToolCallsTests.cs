using System.Net;
using System.Text;
using System.Text.Json;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Ollama;

/// <summary>
/// The in-test server's tool calling, checked on the raw wire against api.md's own examples ("Chat request (Streaming with tools)",
/// "Chat request (No streaming, with tools)"), so the agent tests rest on Ollama's protocol and not on a shape of our own.
/// </summary>
public sealed class FakeOllamaToolCallsTests : FakeOllamaTest
{
    // The request of api.md's "Chat request (Streaming with tools)" example, with the model the fake serves.
    private static string WeatherRequest(bool stream, string model = "qwen2.5:1.5b") => $$"""
        {
          "model": "{{model}}",
          "messages": [{ "role": "user", "content": "what is the weather in tokyo?" }],
          "tools": [{
            "type": "function",
            "function": {
              "name": "get_weather",
              "description": "Get the weather in a given city",
              "parameters": { "type": "object", "properties": { "city": { "type": "string", "description": "The city to get the weather for" } }, "required": ["city"] }
            }
          }],
          "stream": {{(stream ? "true" : "false")}}
        }
        """;

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string json)
    {
        using var response = await Http.PostAsync("/api/chat", new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_streamed_tool_call_is_a_message_with_tool_calls_then_the_final_done_object()
    {
        FakeToolCall[] calls = [new("get_weather", new Dictionary<string, object?> { ["city"] = "Tokyo" })];
        FakeChatRequest? seen = null;
        Server.CallTools = request => { seen = request; return calls; };

        var (status, body) = await PostAsync(WeatherRequest(stream: true));

        Assert.Equal(HttpStatusCode.OK, status);
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        var message = lines[0].GetProperty("message");
        Assert.False(lines[0].GetProperty("done").GetBoolean());
        Assert.Equal(("assistant", ""), (message.GetProperty("role").GetString(), message.GetProperty("content").GetString()));
        var function = Assert.Single(message.GetProperty("tool_calls").EnumerateArray()).GetProperty("function");
        Assert.Equal(["name", "arguments"], function.EnumerateObject().Select(p => p.Name)); // no fields api.md does not show
        Assert.Equal(("get_weather", "Tokyo"), (function.GetProperty("name").GetString(), function.GetProperty("arguments").GetProperty("city").GetString()));
        Assert.True(lines[1].GetProperty("done").GetBoolean());
        Assert.Equal("stop", lines[1].GetProperty("done_reason").GetString());

        // What the decision callback was shown: the offered tool with its schema.
        var tool = Assert.Single(seen!.Tools);
        Assert.Equal(("get_weather", "Get the weather in a given city"), (tool.Name, tool.Description));
        Assert.Equal("city", tool.Parameters.GetProperty("required")[0].GetString());
    }

    [Fact]
    public async Task Without_streaming_the_tool_calls_arrive_in_one_done_object()
    {
        Server.CallTools = _ => [new FakeToolCall("get_weather", new Dictionary<string, object?> { ["city"] = "Tokyo" })];

        var (status, body) = await PostAsync(WeatherRequest(stream: false));

        Assert.Equal(HttpStatusCode.OK, status);
        var response = JsonDocument.Parse(body).RootElement;
        Assert.True(response.GetProperty("done").GetBoolean());
        Assert.Equal("get_weather", response.GetProperty("message").GetProperty("tool_calls")[0].GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_tool_result_in_the_history_is_read_and_the_model_answers_in_text()
    {
        Server.CallTools = request => request.Messages.Any(m => m.Role == "tool") ? null : [new FakeToolCall("get_weather", new Dictionary<string, object?> { ["city"] = "Toronto" })];
        Server.Respond = messages => $"It is {messages.Single(m => m.Role == "tool").Content} in Toronto.";
        // api.md's "Chat request (With history, with tools)".
        const string history = """
            {
              "model": "qwen2.5:1.5b", "stream": false,
              "messages": [
                { "role": "user", "content": "what is the weather in Toronto?" },
                { "role": "assistant", "content": "", "tool_calls": [{ "function": { "name": "get_weather", "arguments": { "city": "Toronto" } } }] },
                { "role": "tool", "content": "11 degrees celsius", "tool_name": "get_weather" }
              ],
              "tools": [{ "type": "function", "function": { "name": "get_weather", "description": "Get the weather in a given city",
                "parameters": { "type": "object", "properties": { "city": { "type": "string" } }, "required": ["city"] } } }]
            }
            """;

        var (status, body) = await PostAsync(history);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("It is 11 degrees celsius in Toronto.", JsonDocument.Parse(body).RootElement.GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task A_model_without_tool_support_refuses_tools_with_400_and_says_so_in_show()
    {
        Server.Models.Add("gemma:2b");
        Server.ModelsWithoutTools.Add("gemma:2b");

        var (status, body) = await PostAsync(WeatherRequest(stream: true, model: "gemma:2b"));
        var show = JsonDocument.Parse(await (await Http.PostAsync("/api/show", new StringContent("""{"model": "gemma:2b"}"""))).Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("registry.ollama.ai/library/gemma:2b does not support tools", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
        Assert.Equal(["completion"], show.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task A_tool_that_is_not_a_function_with_parameters_is_a_bad_request()
    {
        var (status, body) = await PostAsync("""{"model": "qwen2.5:1.5b", "messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function", "function": {"name": "x"}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("parameters", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
    }
}
