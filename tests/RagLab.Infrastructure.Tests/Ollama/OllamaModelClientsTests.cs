using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.Ollama;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Ollama;

/// <summary>The chat client and embedding generator the provider hands out (OllamaSharp behind RagLab's layer), against the fake server.</summary>
public sealed class OllamaModelClientsTests : FakeOllamaTest
{
    private OllamaModelProvider Provider(string chatModel = "qwen2.5:1.5b", string embeddingModel = "all-minilm", Uri? endpoint = null) =>
        new(new OllamaOptions(), ModelHttpClientFactory.Create(),
            new ModelEndpoint(endpoint ?? Server.BaseAddress, chatModel), new ModelEndpoint(endpoint ?? Server.BaseAddress, embeddingModel),
            new ManualTimeProvider());

    private async Task<IChatClient> ChatAsync(string model = "qwen2.5:1.5b")
    {
        Server.Models.Add(model);
        var chat = await Provider(model).GetChatClientAsync(CancellationToken.None);
        Assert.NotNull(chat);
        return chat;
    }

    [Fact]
    public async Task Streaming_yields_tokens_that_reassemble_the_answer_and_ends_with_usage()
    {
        var client = await ChatAsync();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "why is the sky blue")]))
            updates.Add(update);

        Assert.Equal("You asked: why is the sky blue", string.Concat(updates.Select(u => u.Text)));
        Assert.True(updates.Count(u => u.Text.Length > 0) >= 7, "the answer arrives token by token");
        var usage = Assert.Single(updates.SelectMany(u => u.Contents.OfType<UsageContent>())).Details;
        Assert.Equal(5, usage.InputTokenCount);  // words in the prompt, as the fake counts them
        Assert.Equal(7, usage.OutputTokenCount); // one token per streamed word
        Assert.Equal(ChatFinishReason.Stop, updates.ToChatResponse().FinishReason);
    }

    [Fact]
    public async Task Non_streaming_returns_the_whole_answer_with_usage()
    {
        var client = await ChatAsync();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello there")]);

        Assert.Equal("You asked: hello there", response.Text);
        Assert.Equal(2, response.Usage?.InputTokenCount);
        Assert.Equal(4, response.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task Every_chat_request_carries_num_ctx_from_the_models_context_length()
    {
        Server.ChatContextLength = 2048;
        var client = await ChatAsync();

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]);
        await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "again")])) { }

        var requests = Server.RequestsTo("/api/chat");
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal(2048, r.Json.GetProperty("options").GetProperty("num_ctx").GetInt32()));
        Assert.Single(Server.RequestsTo("/api/show")); // read once
    }

    [Fact]
    public async Task A_huge_context_window_is_capped_so_Ollama_does_not_allocate_it()
    {
        Server.ChatContextLength = 131072;
        using var provider = new OllamaModelProvider(new OllamaOptions { MaxContextTokens = 8192 }, ModelHttpClientFactory.Create(),
            new ModelEndpoint(Server.BaseAddress, "qwen2.5:1.5b"), new ModelEndpoint(Server.BaseAddress, "all-minilm"), new ManualTimeProvider());

        Assert.Equal(8192, await provider.GetChatContextLengthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Error_line_mid_stream_throws_a_ModelCallException_after_the_earlier_tokens()
    {
        Server.FailStreamAfterTokens = 2;
        Server.StreamErrorMessage = "an error was encountered while running the model";
        var client = await ChatAsync();

        var received = new List<string>();
        var error = await Assert.ThrowsAsync<ModelCallException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "why is the sky blue")]))
                received.Add(update.Text);
        });

        Assert.Equal("You asked: ", string.Concat(received));
        Assert.Contains("incomplete", error.Message);
        Assert.Contains(Server.BaseAddress.ToString(), error.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_model_removed_after_the_probe_fails_with_a_pull_hint(bool streaming)
    {
        var client = await ChatAsync("mistral:7b");
        Server.Models.Remove("mistral:7b");
        var messages = new[] { new ChatMessage(ChatRole.User, "hi") };

        var error = await Assert.ThrowsAsync<ModelCallException>(async () =>
        {
            if (streaming)
                await foreach (var _ in client.GetStreamingResponseAsync(messages)) { }
            else
                await client.GetResponseAsync(messages);
        });

        Assert.Contains("ollama pull mistral:7b", error.Message);
        Assert.Single(Server.RequestsTo("/api/chat")); // a generation is never retried
    }

    [Fact]
    public async Task A_server_that_stops_after_the_probe_fails_with_a_message_naming_it()
    {
        var server = await FakeOllamaServer.StartAsync();
        var client = await Provider(endpoint: server.BaseAddress).GetChatClientAsync(CancellationToken.None);
        Assert.NotNull(client);
        await server.DisposeAsync();

        var error = await Assert.ThrowsAsync<ModelCallException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")]));

        Assert.Contains(server.BaseAddress.ToString(), error.Message);
        Assert.Contains("not reachable", error.Message);
        Assert.Contains("ollama serve", error.Message);
    }

    [Fact]
    public async Task A_model_call_shows_as_one_span_with_its_token_counts()
    {
        const string model = "telemetry-check:1b";
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "RagLab" or RagLab.Infrastructure.ModelClients.ModelTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Tags.Any(t => t.Value == model))
                    lock (spans) spans.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(listener);
        var client = await ChatAsync(model);

        await foreach (var _ in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "count these words")])) { }

        var span = Assert.Single(spans);
        Assert.Equal($"chat {model}", span.DisplayName);
        Assert.Equal(3, Convert.ToInt32(span.GetTagItem("gen_ai.usage.input_tokens")));
        Assert.Equal(5, Convert.ToInt32(span.GetTagItem("gen_ai.usage.output_tokens")));
    }

    [Fact]
    public async Task Embeddings_come_back_in_input_order_with_the_models_dimension()
    {
        var generator = await Provider().GetEmbeddingGeneratorAsync(CancellationToken.None);
        Assert.NotNull(generator);
        var texts = Enumerable.Range(0, 7).Select(i => $"document number {i} about topic{i}").ToList();

        var embeddings = await generator.GenerateAsync(texts);

        Assert.Equal(7, embeddings.Count);
        for (var i = 0; i < texts.Count; i++)
            Assert.Equal(FakeOllamaEmbedding.Embed(texts[i]), embeddings[i].Vector.ToArray());
        Assert.Equal("all-minilm", Server.RequestsTo("/api/embed").Single().Json.GetProperty("model").GetString());
    }

    [Fact]
    public async Task Texts_sharing_words_are_closer_than_unrelated_texts()
    {
        var generator = await Provider().GetEmbeddingGeneratorAsync(CancellationToken.None);

        var e = await generator!.GenerateAsync(["The cat sat on the mat", "A cat on a mat", "Quarterly revenue grew sharply"]);

        var related = TensorPrimitives.CosineSimilarity(e[0].Vector.Span, e[1].Vector.Span);
        var unrelated = TensorPrimitives.CosineSimilarity(e[0].Vector.Span, e[2].Vector.Span);
        Assert.True(related > unrelated, $"related {related} should exceed unrelated {unrelated}");
    }

    [Fact]
    public async Task An_embedding_model_removed_after_the_probe_fails_with_a_pull_hint()
    {
        Server.Models.Add("nomic-embed-text");
        var generator = await Provider(embeddingModel: "nomic-embed-text").GetEmbeddingGeneratorAsync(CancellationToken.None);
        Server.Models.Remove("nomic-embed-text");

        var error = await Assert.ThrowsAsync<ModelCallException>(() => generator!.GenerateAsync(["text"]));

        Assert.Contains("ollama pull nomic-embed-text", error.Message);
    }
}
