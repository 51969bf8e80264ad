using System.Net;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using RagLab.Infrastructure.Ollama;
using RagLab.Testing;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Ollama;

public sealed class OllamaEmbeddingGeneratorTests : FakeOllamaTest
{
    [Fact]
    public async Task Embeddings_come_back_in_input_order_across_batches_with_the_models_dimension()
    {
        using var generator = new OllamaEmbeddingGenerator(Http, "all-minilm", batchSize: 3);
        var texts = Enumerable.Range(0, 7).Select(i => $"document number {i} about topic{i}").ToList();

        var embeddings = await generator.GenerateAsync(texts);

        Assert.Equal(7, embeddings.Count);
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Equal(FakeOllamaEmbedding.Dimensions, embeddings[i].Dimensions);
            Assert.Equal(FakeOllamaEmbedding.Embed(texts[i]), embeddings[i].Vector.ToArray());
        }
        var requests = Server.RequestsTo("/api/embed");
        Assert.Equal([3, 3, 1], requests.Select(r => r.Json.GetProperty("input").GetArrayLength()));
        Assert.All(requests, r => Assert.Equal("all-minilm", r.Json.GetProperty("model").GetString()));
        Assert.Equal(texts, requests.SelectMany(r => r.Json.GetProperty("input").EnumerateArray().Select(e => e.GetString()!)));
        Assert.Equal(texts.Sum(t => t.Split(' ').Length), embeddings.Usage?.InputTokenCount);
    }

    [Fact]
    public async Task Texts_sharing_words_are_closer_than_unrelated_texts()
    {
        using var generator = new OllamaEmbeddingGenerator(Http, "all-minilm");

        var e = await generator.GenerateAsync(["The cat sat on the mat", "A cat on a mat", "Quarterly revenue grew sharply"]);

        var related = TensorPrimitives.CosineSimilarity(e[0].Vector.Span, e[1].Vector.Span);
        var unrelated = TensorPrimitives.CosineSimilarity(e[0].Vector.Span, e[2].Vector.Span);
        Assert.True(related > unrelated, $"related {related} should exceed unrelated {unrelated}");
        Assert.Equal(1f, TensorPrimitives.Norm(e[0].Vector.Span), 3);
    }

    [Fact]
    public async Task No_texts_sends_no_request()
    {
        using var generator = new OllamaEmbeddingGenerator(Http, "all-minilm");

        var embeddings = await generator.GenerateAsync([]);

        Assert.Empty(embeddings);
        Assert.Empty(Server.RequestsTo("/api/embed"));
    }

    [Fact]
    public async Task Unknown_model_throws_with_a_pull_hint()
    {
        using var generator = new OllamaEmbeddingGenerator(Http, "nomic-embed-text");

        var error = await Assert.ThrowsAsync<OllamaException>(() => generator.GenerateAsync(["text"]));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("ollama pull nomic-embed-text", error.Message);
    }
}
