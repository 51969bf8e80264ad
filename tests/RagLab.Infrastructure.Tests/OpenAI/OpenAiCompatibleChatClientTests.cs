using Microsoft.Extensions.AI;
using RagLab.Infrastructure.OpenAI;
using RagLab.Testing;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.OpenAI;

public sealed class OpenAiCompatibleChatClientTests : IAsyncLifetime
{
    private FakeOllamaServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOllamaServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private OpenAiCompatibleChatClient Client(string model = "qwen2.5:1.5b") =>
        OpenAiCompatibleChatClient.Create(new OpenAiCompatibleOptions { Endpoint = _server.OpenAiEndpoint.ToString(), ApiKey = "ollama", ChatModel = model });

    [Fact]
    public async Task Non_streaming_returns_the_answer_with_usage()
    {
        using var client = Client();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "why is the sky blue")]);

        Assert.Equal("You asked: why is the sky blue", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(7, response.Usage?.InputTokenCount);
        Assert.Equal(7, response.Usage?.OutputTokenCount);
        Assert.Equal(14, response.Usage?.TotalTokenCount);
        var body = _server.RequestsTo("/v1/chat/completions").Single().Json;
        Assert.Equal("qwen2.5:1.5b", body.GetProperty("model").GetString());
        var roles = body.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString());
        Assert.Equal(["system", "user"], roles);
    }

    [Fact]
    public async Task Streaming_reassembles_the_answer_and_reports_usage()
    {
        using var client = Client();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "tell me a story")]))
            updates.Add(update);

        Assert.Equal(["You ", "asked: ", "tell ", "me ", "a ", "story"], updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        var response = updates.ToChatResponse();
        Assert.Equal("You asked: tell me a story", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(4, response.Usage?.InputTokenCount);
        Assert.Equal(6, response.Usage?.OutputTokenCount);
        var body = _server.RequestsTo("/v1/chat/completions").Single().Json;
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Fact]
    public async Task Options_map_to_the_documented_request_fields()
    {
        using var client = Client();

        var response = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "one two three")],
            new ChatOptions { Temperature = 0.1f, TopP = 0.5f, MaxOutputTokens = 2, Seed = 7, StopSequences = ["END"] });

        var body = _server.RequestsTo("/v1/chat/completions").Single().Json;
        Assert.Equal(0.1, body.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(0.5, body.GetProperty("top_p").GetDouble(), 3);
        Assert.Equal(7, body.GetProperty("seed").GetInt64());
        Assert.Equal("END", body.GetProperty("stop")[0].GetString());
        Assert.True(body.TryGetProperty("max_completion_tokens", out _) || body.TryGetProperty("max_tokens", out _));
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal("You asked: ", response.Text);
    }

    [Fact]
    public async Task Unknown_model_throws_a_clear_error_naming_the_model()
    {
        using var client = Client("mistral:7b");

        var error = await Assert.ThrowsAsync<OpenAiCompatibleException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Equal(404, error.StatusCode);
        Assert.Contains("mistral:7b", error.Message);
    }
}
