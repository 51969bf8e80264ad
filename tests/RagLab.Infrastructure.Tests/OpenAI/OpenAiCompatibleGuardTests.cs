using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.OpenAI;
using RagLab.Infrastructure.Tests.Ollama;
using RagLab.Testing;
using Xunit.Abstractions;

namespace RagLab.Infrastructure.Tests.OpenAI;

/// <summary>
/// The OpenAI-compatible chat client against a server that stalls or keeps failing: the same guard as the Ollama path
/// (idle and total timeouts, a circuit breaker, every failure logged with its cause).
/// </summary>
public sealed class OpenAiCompatibleGuardTests(ITestOutputHelper output) : FakeOllamaTest
{
    private readonly FakeLogCollector _logs = new();

    private OpenAiCompatibleModelProvider Provider(TimeProvider clock, TimeSpan? idleTimeout = null, int failures = 5) =>
        new(new OpenAiCompatibleOptions
        {
            Endpoint = Server.OpenAiEndpoint.ToString(),
            ChatModel = "qwen2.5:1.5b",
            EmbeddingModel = "all-minilm",
            ProbeTimeout = TimeSpan.FromSeconds(10), // the first request of a loaded test run can take seconds
            StreamIdleTimeout = idleTimeout ?? TimeSpan.FromSeconds(30),
            CircuitBreakerFailures = failures,
            CircuitBreakDuration = TimeSpan.FromMinutes(1),
        }, ModelHttpClientFactory.Create(), clock, LoggerFactory.Create(logging => logging.AddProvider(new FakeLoggerProvider(_logs))));

    private static async Task<string> StreamAsync(IChatClient chat, string question)
    {
        var text = new System.Text.StringBuilder();
        await foreach (var update in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, question)]))
            text.Append(update.Text);
        return text.ToString();
    }

    [Fact]
    public async Task A_stalled_stream_ends_with_a_timeout_naming_the_idle_setting()
    {
        Server.StallStreamAfterTokens = 2;
        using var provider = Provider(TimeProvider.System, idleTimeout: TimeSpan.FromSeconds(1));
        var chat = await provider.GetChatClientAsync(CancellationToken.None);
        Assert.NotNull(chat);

        var received = new List<string>();
        var started = Stopwatch.GetTimestamp();
        var error = await Assert.ThrowsAsync<ModelTimeoutException>(async () =>
        {
            await foreach (var update in chat.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "how is the pump primed")]))
                if (update.Text.Length > 0) received.Add(update.Text);
        });
        output.WriteLine($"{Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s (idle timeout 1 s): {error.Message}");

        // The server stalls forever: only the idle timeout can have ended the call, after the two tokens it did send.
        Assert.Equal(["You ", "asked: "], received);
        Assert.Contains("sent nothing for 1 s", error.Message);
        Assert.Contains("RagLab:OpenAI:StreamIdleTimeout", error.Message);
        Assert.Contains(Server.OpenAiEndpoint.ToString(), error.Message);
    }

    [Fact]
    public async Task Repeated_failures_open_the_circuit_log_each_cause_and_a_success_after_the_break_closes_it()
    {
        var clock = new ManualTimeProvider();
        using var provider = Provider(clock, failures: 2);
        var chat = await provider.GetChatClientAsync(CancellationToken.None);
        Assert.NotNull(chat);
        Assert.Equal("You asked: hello", await StreamAsync(chat, "hello")); // the server works at first

        Server.FailChat = true;
        for (var i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAnyAsync<ModelCallException>(() => StreamAsync(chat, $"question {i}"));
            Assert.Contains("HTTP 500", error.Message);
        }

        // Open: no client is handed out, so answers turn extractive; the status says why, and nothing more reaches the server.
        Assert.Null(await provider.GetChatClientAsync(CancellationToken.None));
        var status = await provider.GetStatusAsync(CancellationToken.None);
        output.WriteLine(status.Error);
        Assert.False(status.ChatAvailable);
        Assert.True(status.EmbeddingsAvailable, "only the chat model is down");
        Assert.Contains("failed 2 times in a row", status.Error);
        Assert.Equal(3, Server.RequestsTo("/v1/chat/completions").Count);

        // Each failure was logged with its cause (the server's error), not only counted.
        var circuitLog = _logs.GetSnapshot().Where(r => r.Category == typeof(OpenAiCompatibleModelProvider).FullName).ToList();
        var failures = circuitLog.Where(r => r.Level == LogLevel.Warning && r.Exception is ModelCallException).ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, r => Assert.Contains("llama runner process has terminated", r.Exception!.Message));
        Assert.Contains(circuitLog, r => r.Level == LogLevel.Error && r.Message.Contains("failed 2 times in a row"));

        // After the break one call is let through; it succeeds, and the circuit closes.
        Server.FailChat = false;
        clock.Advance(TimeSpan.FromMinutes(2));
        chat = await provider.GetChatClientAsync(CancellationToken.None);
        Assert.NotNull(chat);
        Assert.Equal("You asked: again", await StreamAsync(chat, "again"));
        Assert.True((await provider.GetStatusAsync(CancellationToken.None)).ChatAvailable);
    }
}
