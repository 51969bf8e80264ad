using System.Net;
using System.Net.Sockets;
using RagLab.Infrastructure.OpenAI;
using RagLab.Infrastructure.Tests.Ollama;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.OpenAI;

public sealed class OpenAiCompatibleModelProviderTests
{
    [Fact]
    public async Task Nothing_configured_reports_that_plainly()
    {
        using var provider = new OpenAiCompatibleModelProvider(new OpenAiCompatibleOptions(), ModelHttpClientFactory.Create());

        var status = await provider.GetStatusAsync(CancellationToken.None);

        Assert.Equal("openai", status.Provider);
        Assert.Null(status.Endpoint);
        Assert.False(status.ChatAvailable);
        Assert.Contains("RagLab:OpenAI:Endpoint", status.Error);
        Assert.Null(await provider.GetChatClientAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Listed_models_are_available_and_an_unlisted_one_is_named()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var provider = new OpenAiCompatibleModelProvider(new OpenAiCompatibleOptions
        {
            Endpoint = server.OpenAiEndpoint.ToString(),
            ChatModel = "qwen2.5:1.5b",
            EmbeddingModel = "nomic-embed-text",
            ProbeTimeout = TimeSpan.FromSeconds(10), // the first request of a loaded test run can take seconds
        }, ModelHttpClientFactory.Create(), new ManualTimeProvider());

        var status = await provider.GetStatusAsync(CancellationToken.None);

        Assert.True(status.ChatAvailable, status.Error);
        Assert.False(status.EmbeddingsAvailable);
        Assert.Contains("'nomic-embed-text'", status.Error);
        Assert.NotNull(await provider.GetChatClientAsync(CancellationToken.None));
        Assert.Null(await provider.GetEmbeddingGeneratorAsync(CancellationToken.None));
        Assert.Single(server.RequestsTo("/v1/models"));
    }

    [Fact]
    public async Task An_untagged_model_name_matches_the_latest_tag_the_server_lists()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        using var provider = new OpenAiCompatibleModelProvider(new OpenAiCompatibleOptions
        {
            Endpoint = server.OpenAiEndpoint.ToString(),
            ChatModel = "qwen2.5:1.5b",
            EmbeddingModel = "all-minilm",
        }, ModelHttpClientFactory.Create());

        var generator = await provider.GetEmbeddingGeneratorAsync(CancellationToken.None);

        Assert.NotNull(generator);
        Assert.Equal(FakeOllamaEmbedding.Dimensions, (await generator.GenerateAsync(["hello"]))[0].Dimensions);
    }

    [Fact]
    public async Task An_unreachable_server_is_unavailable_with_a_message_naming_it()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/v1";
        listener.Stop();
        using var provider = new OpenAiCompatibleModelProvider(new OpenAiCompatibleOptions { Endpoint = endpoint, ChatModel = "m", EmbeddingModel = "e" }, ModelHttpClientFactory.Create());

        var status = await provider.GetStatusAsync(CancellationToken.None);

        Assert.False(status.ChatAvailable);
        Assert.False(status.EmbeddingsAvailable);
        Assert.Contains("not reachable", status.Error);
        Assert.Contains(endpoint, status.Error);
    }

    [Fact]
    public async Task A_server_without_a_models_endpoint_is_assumed_to_serve_the_configured_models_and_says_so()
    {
        await using var server = await FakeOllamaServer.StartAsync();
        // The fake's root has no /models: as a server without a model list would answer, it returns 404.
        using var provider = new OpenAiCompatibleModelProvider(new OpenAiCompatibleOptions
        {
            Endpoint = server.BaseAddress.ToString(),
            ChatModel = "anything",
            EmbeddingModel = "anything-else",
        }, ModelHttpClientFactory.Create());

        var status = await provider.GetStatusAsync(CancellationToken.None);

        Assert.True(status.ChatAvailable);
        Assert.True(status.EmbeddingsAvailable);
        Assert.Contains("assuming the configured models exist", status.Error);
    }
}
