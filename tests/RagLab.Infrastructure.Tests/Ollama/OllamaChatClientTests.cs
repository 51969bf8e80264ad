using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.AI;
using RagLab.Infrastructure.Ollama;
using RagLab.Core.Telemetry;
using RagLab.Testing;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Ollama;

public sealed class OllamaChatClientTests : FakeOllamaTest
{
    [Fact]
    public async Task Streaming_yields_tokens_that_reassemble_the_answer_and_ends_with_usage_from_the_done_chunk()
    {
        using var client = new OllamaChatClient(Http, "qwen2.5:1.5b");

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "why is the sky blue")]))
            updates.Add(update);

        Assert.Equal("You asked: why is the sky blue", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(["You ", "asked: ", "why ", "is ", "the ", "sky ", "blue"], updates.Where(u => u.Text.Length > 0).Select(u => u.Text));
        var last = updates[^1];
        Assert.Equal(ChatFinishReason.Stop, last.FinishReason);
        var usage = Assert.Single(last.Contents.OfType<UsageContent>()).Details;
        Assert.Equal(5, usage.InputTokenCount);  // words in the prompt, as the fake counts them
        Assert.Equal(7, usage.OutputTokenCount); // the fake counts one token per streamed word
        Assert.All(updates.SkipLast(1), u => Assert.Empty(u.Contents.OfType<UsageContent>()));

        var response = updates.ToChatResponse();
        Assert.Equal("You asked: why is the sky blue", response.Text);
        Assert.Equal(usage.OutputTokenCount, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task Non_streaming_returns_the_whole_answer_with_usage_and_finish_reason()
    {
        using var client = new OllamaChatClient(Http, "qwen2.5:1.5b");

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello there")]);

        Assert.Equal("You asked: hello there", response.Text);
        Assert.Equal(ChatRole.Assistant, response.Messages.Single().Role);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(2, response.Usage?.InputTokenCount);
        Assert.Equal(4, response.Usage?.OutputTokenCount);
        Assert.Equal("qwen2.5:1.5b", response.ModelId);
    }

    [Fact]
    public async Task Request_bodies_use_the_documented_field_names_and_map_chat_options()
    {
        using var client = new OllamaChatClient(Http, "qwen2.5:1.5b");
        var options = new ChatOptions
        {
            Temperature = 0.2f,
            TopP = 0.9f,
            MaxOutputTokens = 3,
            Seed = 42,
            StopSequences = ["\n\n"],
            Instructions = "Answer briefly.",
        };

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "You are terse."), new ChatMessage(ChatRole.User, "one two three four")], options);
        await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
        {
        }

        var requests = Server.RequestsTo("/api/chat");
        Assert.Equal(2, requests.Count);
        var body = requests[0].Json;
        Assert.Equal("qwen2.5:1.5b", body.GetProperty("model").GetString());
        Assert.False(body.GetProperty("stream").GetBoolean());
        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "system", "user"], messages.Select(m => m.GetProperty("role").GetString()!));
        Assert.Equal("Answer briefly.", messages[0].GetProperty("content").GetString());
        Assert.Equal("one two three four", messages[2].GetProperty("content").GetString());
        var wireOptions = body.GetProperty("options");
        Assert.Equal(0.2, wireOptions.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(0.9, wireOptions.GetProperty("top_p").GetDouble(), 3);
        Assert.Equal(3, wireOptions.GetProperty("num_predict").GetInt32());
        Assert.Equal(42, wireOptions.GetProperty("seed").GetInt64());
        Assert.Equal("\n\n", wireOptions.GetProperty("stop")[0].GetString());
        Assert.True(requests[1].Json.GetProperty("stream").GetBoolean());
        Assert.False(requests[1].Json.TryGetProperty("options", out _));

        // num_predict = 3 cut the answer: Ollama reports done_reason "length".
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal("You asked: one ", response.Text);
    }

    [Fact]
    public async Task ModelId_in_options_overrides_the_default_model()
    {
        Server.Models.Add("llama3.2:1b");
        using var client = new OllamaChatClient(Http, "qwen2.5:1.5b");

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = "llama3.2:1b" });

        Assert.Equal("llama3.2:1b", Server.RequestsTo("/api/chat").Single().Json.GetProperty("model").GetString());
        Assert.Equal("llama3.2:1b", response.ModelId);
    }

    [Fact]
    public async Task Error_line_mid_stream_throws_with_the_servers_message_after_the_earlier_tokens()
    {
        Server.FailStreamAfterTokens = 2;
        Server.StreamErrorMessage = "an error was encountered while running the model";
        using var client = new OllamaChatClient(Http, "qwen2.5:1.5b");

        var received = new List<string>();
        var error = await Assert.ThrowsAsync<OllamaException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "why is the sky blue")]))
                received.Add(update.Text);
        });

        Assert.Equal(["You ", "asked: "], received);
        Assert.Equal("an error was encountered while running the model", error.ServerMessage);
        Assert.Contains("an error was encountered while running the model", error.Message);
        Assert.Null(error.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Unknown_model_throws_404_with_the_servers_message_and_a_pull_hint(bool streaming)
    {
        using var client = new OllamaChatClient(Http, "mistral:7b");
        var messages = new[] { new ChatMessage(ChatRole.User, "hi") };

        var error = await Assert.ThrowsAsync<OllamaException>(async () =>
        {
            if (streaming)
                await foreach (var _ in client.GetStreamingResponseAsync(messages)) { }
            else
                await client.GetResponseAsync(messages);
        });

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("model \"mistral:7b\" not found, try pulling it first", error.ServerMessage);
        Assert.Contains("ollama pull mistral:7b", error.Message);
    }

    [Fact]
    public async Task Unreachable_server_throws_an_OllamaException_naming_the_endpoint()
    {
        var endpoint = new Uri("http://127.0.0.1:9/"); // nothing listens on the discard port: connections are refused at once
        using var http = new HttpClient { BaseAddress = endpoint };
        using var client = new OllamaChatClient(http, "qwen2.5:1.5b");

        var error = await Assert.ThrowsAsync<OllamaException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Contains(endpoint.ToString(), error.Message);
        Assert.Contains("not reachable", error.Message);
    }

    [Fact]
    public async Task Emits_a_generate_activity_and_token_counters()
    {
        const string model = "telemetry-check:1b";
        Server.Models.Add(model);
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RagLabTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem("gen_ai.request.model"), model))
                    lock (activities) activities.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);
        long input = 0, output = 0;
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RagLabTelemetry.SourceName)
                    l.EnableMeasurementEvents(instrument);
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (!tags.ToArray().Any(t => Equals(t.Value, model)))
                return;
            if (instrument == RagLabTelemetry.InputTokens) Interlocked.Add(ref input, value);
            if (instrument == RagLabTelemetry.OutputTokens) Interlocked.Add(ref output, value);
        });
        meters.Start();
        using var client = new OllamaChatClient(Http, model);

        await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "count these words")])) { }

        var activity = Assert.Single(activities);
        Assert.Equal("generate", activity.OperationName);
        Assert.Equal(3, input);
        Assert.Equal(5, output);
        Assert.Equal(5L, activity.GetTagItem("gen_ai.usage.output_tokens"));
    }
}
