using System.Diagnostics;
using System.Net;
using System.Text.Json;
using RagLab.Testing;
using Xunit.Abstractions;

namespace RagLab.Api.Tests;

/// <summary>
/// A model server that stalls or keeps failing, behind either provider (Ollama's API, or the OpenAI-compatible one the same fake
/// serves under /v1): requests end in time, /health says so, and <c>rag</c> falls back.
/// </summary>
public sealed class ModelFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private FakeOllamaServer _ollama = null!;

    public async Task InitializeAsync() => _ollama = await FakeOllamaServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _ollama.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>Where each provider's settings live.</summary>
    private static string Section(string provider) => provider == "openai" ? "RagLab:OpenAI" : "RagLab:Ollama";

    private static string ChatPath(string provider) => provider == "openai" ? "/v1/chat/completions" : "/api/chat";

    /// <param name="settings">Keys within the provider's section, e.g. <c>StreamIdleTimeout</c>.</param>
    private RagLabApiFactory Api(string provider, params (string Key, string Value)[] settings)
    {
        var all = settings.ToDictionary(s => $"{Section(provider)}:{s.Key}", s => (string?)s.Value);
        if (provider == "openai")
        {
            all["RagLab:OpenAI:Endpoint"] = _ollama.OpenAiEndpoint.ToString();
            all["RagLab:OpenAI:ChatModel"] = "qwen2.5:1.5b";
            all["RagLab:OpenAI:EmbeddingModel"] = "all-minilm";
            all["RagLab:OpenAI:ProbeInterval"] = "00:00:00.200";
            all["RagLab:OpenAI:ProbeTimeout"] = "00:00:10"; // the first request of a loaded test run can take seconds
        }
        return new(_data.Path, _ollama.BaseAddress, all);
    }

    [Theory]
    [InlineData("ollama", "/api/ask")]
    [InlineData("ollama", "/api/ask/stream")]
    [InlineData("openai", "/api/ask")]
    [InlineData("openai", "/api/ask/stream")]
    public async Task A_stalled_stream_ends_with_504_within_the_idle_timeout(string provider, string path)
    {
        _ollama.StallStreamAfterTokens = 2;
        using var factory = Api(provider, ("StreamIdleTimeout", "00:00:01"));
        using var client = factory.CreateClient();
        var id = await client.UploadTextAsync("pump.md", "# Pump\n\nThe pump must be primed with water before the first start.");
        await client.WaitUntilReadyAsync(id);

        var started = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync(path, System.Net.Http.Json.JsonContent.Create(new { question = "How is the pump primed?", mode = "rag" }));
        var body = await response.Content.ReadAsStringAsync();
        output.WriteLine($"{provider} {path}: {(int)response.StatusCode} after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s (idle timeout 1 s): {body}");

        Assert.Single(_ollama.RequestsTo(ChatPath(provider))); // the stalled server was asked once, through this provider's API
        if (path.EndsWith("/stream"))
        {
            // The stream had started (two tokens), so the timeout arrives as its error event, with the status it would have had.
            Assert.Contains("504", body);
            Assert.Contains("StreamIdleTimeout", body);
        }
        else
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            Assert.Contains("sent nothing for 1 s", body);
            Assert.Contains($"{Section(provider)}:StreamIdleTimeout", body);
        }
    }

    [Theory]
    [InlineData("ollama")]
    [InlineData("openai")]
    public async Task Repeated_model_failures_turn_health_degraded_and_rag_answers_extractively(string provider)
    {
        using var factory = Api(provider, ("CircuitBreakerFailures", "3"), ("CircuitBreakDuration", "00:10:00"));
        using var client = factory.CreateClient();
        var id = await client.UploadTextAsync("pump.md", "# Pump\n\nThe pump must be primed with water before the first start.");
        await client.WaitUntilReadyAsync(id);
        Assert.Equal("Healthy", (await HealthAsync(client)).GetProperty("status").GetString());

        _ollama.FailChat = true;
        for (var i = 0; i < 3; i++)
        {
            using var failed = await client.PostAsync("/api/ask", System.Net.Http.Json.JsonContent.Create(new { question = $"How is the pump primed {i}?", mode = "rag" }));
            Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        }

        var health = await HealthAsync(client);
        output.WriteLine(health.ToString());
        Assert.Equal("Degraded", health.GetProperty("status").GetString());
        Assert.Contains("failed 3 times in a row", health.ToString());

        var answer = await client.PostJsonAsync("/api/ask", new { question = "How is the pump primed?", mode = "rag" });
        Assert.True(answer.GetProperty("extractive").GetBoolean(), "rag must fall back to a labelled extractive answer");
        Assert.Equal("extractive", answer.GetProperty("model").GetString());
        Assert.Contains("primed with water", answer.GetProperty("answer").GetString());
        var chatCalls = _ollama.RequestsTo(ChatPath(provider)).Count;
        Assert.Equal(3, chatCalls); // the open circuit sent nothing more to the failing server
    }

    private static async Task<JsonElement> HealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
