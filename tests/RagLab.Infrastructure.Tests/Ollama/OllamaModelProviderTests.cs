using System.Net;
using System.Net.Sockets;
using RagLab.Infrastructure.Ollama;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Ollama;

public sealed class OllamaModelProviderTests
{
    private static readonly OllamaOptions Options = new() { ProbeInterval = TimeSpan.FromSeconds(15), ProbeTimeout = TimeSpan.FromSeconds(5) };

    private static OllamaModelProvider ProviderFor(Uri chat, string chatModel, Uri embeddings, string embeddingModel, TimeProvider clock, OllamaOptions? options = null) =>
        new(options ?? Options, ModelHttpClientFactory.Create(), new ModelEndpoint(chat, chatModel), new ModelEndpoint(embeddings, embeddingModel), clock);

    [Fact]
    public async Task Both_models_present_makes_chat_and_embeddings_available_and_reuses_the_clients()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var provider = ProviderFor(server.BaseAddress, "qwen2.5:1.5b", server.BaseAddress, "all-minilm", new ManualTimeProvider());

        var status = await provider.GetStatusAsync(CancellationToken.None);
        var chat = await provider.GetChatClientAsync(CancellationToken.None);

        Assert.Equal("ollama", status.Provider);
        Assert.True(status.ChatAvailable);
        Assert.True(status.EmbeddingsAvailable);
        Assert.Null(status.Error);
        Assert.Equal("qwen2.5:1.5b", status.ChatModel);
        Assert.Equal("all-minilm", status.EmbeddingModel);
        Assert.NotNull(chat);
        Assert.Same(chat, await provider.GetChatClientAsync(CancellationToken.None));
        Assert.NotNull(await provider.GetEmbeddingGeneratorAsync(CancellationToken.None));
        // One endpoint, one probe, reused within the interval.
        Assert.Single(server.RequestsTo("/api/tags"));
    }

    [Fact]
    public async Task A_server_that_is_down_is_unavailable_with_a_message_naming_it()
    {
        var endpoint = new Uri($"http://127.0.0.1:{FreePort()}/");
        using var provider = ProviderFor(endpoint, "qwen2.5:1.5b", endpoint, "all-minilm", new ManualTimeProvider());

        var status = await provider.GetStatusAsync(CancellationToken.None);

        Assert.False(status.ChatAvailable);
        Assert.False(status.EmbeddingsAvailable);
        Assert.Contains(endpoint.ToString(), status.Error);
        Assert.Contains("not reachable", status.Error);
        Assert.Null(await provider.GetChatClientAsync(CancellationToken.None));
        Assert.Null(await provider.GetEmbeddingGeneratorAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_missing_model_is_unavailable_with_the_ollama_pull_command()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var provider = ProviderFor(server.BaseAddress, "llama3.2:1b", server.BaseAddress, "all-minilm", new ManualTimeProvider());

        var status = await provider.GetStatusAsync(CancellationToken.None);

        Assert.False(status.ChatAvailable);
        Assert.True(status.EmbeddingsAvailable);
        Assert.Equal($"Ollama at {server.BaseAddress} has no model 'llama3.2:1b'; run: ollama pull llama3.2:1b", status.Error);
        Assert.Null(await provider.GetChatClientAsync(CancellationToken.None));
        Assert.NotNull(await provider.GetEmbeddingGeneratorAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_model_pulled_later_is_picked_up_after_the_probe_interval_not_before()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        var clock = new ManualTimeProvider();
        using var provider = ProviderFor(server.BaseAddress, "llama3.2:1b", server.BaseAddress, "all-minilm", clock);
        Assert.Null(await provider.GetChatClientAsync(CancellationToken.None));

        server.Models.Add("llama3.2:1b");
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(await provider.GetChatClientAsync(CancellationToken.None));
        Assert.Single(server.RequestsTo("/api/tags"));

        clock.Advance(TimeSpan.FromSeconds(6));
        Assert.NotNull(await provider.GetChatClientAsync(CancellationToken.None));
        Assert.Equal(2, server.RequestsTo("/api/tags").Count);
    }

    [Fact]
    public async Task A_server_started_later_is_picked_up_after_the_probe_interval()
    {
        var port = FreePort();
        var endpoint = new Uri($"http://127.0.0.1:{port}/");
        var clock = new ManualTimeProvider();
        using var provider = ProviderFor(endpoint, "qwen2.5:1.5b", endpoint, "all-minilm", clock);
        Assert.False((await provider.GetStatusAsync(CancellationToken.None)).ChatAvailable);

        await using var server = await FakeOllamaServer.StartAsync(port);
        Assert.False((await provider.GetStatusAsync(CancellationToken.None)).ChatAvailable);
        Assert.Empty(server.RequestsTo("/api/tags")); // the dead server's outcome is still cached

        clock.Advance(Options.ProbeInterval);
        var status = await provider.GetStatusAsync(CancellationToken.None);
        Assert.True(status.ChatAvailable);
        Assert.True(status.EmbeddingsAvailable);
        Assert.Null(status.Error);
    }

    [Fact]
    public async Task Chat_and_embeddings_on_different_servers_are_probed_and_reported_separately()
    {
        await using var chatServer = await FakeOllamaServer.StartAsync();
        var deadEmbeddings = new Uri($"http://127.0.0.1:{FreePort()}/");
        using var provider = ProviderFor(chatServer.BaseAddress, "qwen2.5:1.5b", deadEmbeddings, "all-minilm", new ManualTimeProvider());

        var status = await provider.GetStatusAsync(CancellationToken.None);

        Assert.True(status.ChatAvailable);
        Assert.False(status.EmbeddingsAvailable);
        Assert.Contains(deadEmbeddings.ToString(), status.Error);
        var chat = await provider.GetChatClientAsync(CancellationToken.None);
        Assert.Equal("You asked: hi", (await chat!.GetResponseAsync([new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "hi")])).Text);
    }

    [Fact]
    public async Task With_PullMissingModels_a_missing_model_is_pulled_in_the_background_and_becomes_available()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        var clock = new ManualTimeProvider();
        var options = new OllamaOptions { PullMissingModels = true, ProbeTimeout = TimeSpan.FromSeconds(5) };
        using var provider = ProviderFor(server.BaseAddress, "llama3.2:1b", server.BaseAddress, "all-minilm", clock, options);

        var first = await provider.GetStatusAsync(CancellationToken.None);
        Assert.False(first.ChatAvailable);
        Assert.Contains("ollama pull llama3.2:1b", first.Error);
        Assert.Contains("pulling it now", first.Error);

        // Wait for the background pull; a finished pull makes the provider probe again.
        var available = false;
        for (var attempt = 0; attempt < 200 && !available; attempt++)
        {
            available = (await provider.GetStatusAsync(CancellationToken.None)).ChatAvailable;
            if (!available)
                await Task.Delay(25);
        }
        Assert.True(available);
        Assert.Equal("llama3.2:1b", server.RequestsTo("/api/pull").Single().Json.GetProperty("model").GetString());
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
