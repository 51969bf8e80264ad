using RagLab.Infrastructure.OpenAI;
using RagLab.Testing;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.OpenAI;

public sealed class OpenAiCompatibleEmbeddingGeneratorTests : IAsyncLifetime
{
    private FakeOllamaServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeOllamaServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Embeddings_match_the_servers_vectors_in_input_order_across_batches()
    {
        var options = new OpenAiCompatibleOptions { Endpoint = _server.OpenAiEndpoint.ToString(), EmbeddingModel = "all-minilm" };
        using var generator = new OpenAiCompatibleEmbeddingGenerator(options.CreateClient(), "all-minilm", options.ResolveEndpoint(), batchSize: 2);
        string[] texts = ["alpha beta", "gamma", "delta epsilon zeta"];

        var embeddings = await generator.GenerateAsync(texts);

        Assert.Equal(3, embeddings.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(FakeOllamaEmbedding.Dimensions, embeddings[i].Dimensions);
            Assert.Equal(FakeOllamaEmbedding.Embed(texts[i]), embeddings[i].Vector.ToArray());
        }
        Assert.Equal(6, embeddings.Usage?.InputTokenCount);
        var requests = _server.RequestsTo("/v1/embeddings");
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal("all-minilm", r.Json.GetProperty("model").GetString()));
        Assert.Equal(["alpha beta", "gamma"], requests[0].Json.GetProperty("input").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Unknown_model_throws_with_status_404()
    {
        using var generator = OpenAiCompatibleEmbeddingGenerator.Create(new OpenAiCompatibleOptions { Endpoint = _server.OpenAiEndpoint.ToString(), EmbeddingModel = "text-embedding-3-small" });

        var error = await Assert.ThrowsAsync<OpenAiCompatibleException>(() => generator.GenerateAsync(["x"]));

        Assert.Equal(404, error.StatusCode);
        Assert.Contains("text-embedding-3-small", error.Message);
    }
}
