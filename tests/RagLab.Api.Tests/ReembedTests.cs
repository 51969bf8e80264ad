using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RagLab.Testing;

namespace RagLab.Api.Tests;

/// <summary>
/// A collection embedded with one model, opened with another configured: dense and hybrid refuse it and say "re-embed", the
/// status names the models, nothing of the new model is mixed in, and the re-embed job (with its count and rate) makes it
/// searchable by meaning again.
/// </summary>
public sealed class ReembedTests : IAsyncLifetime
{
    private const string Collection = "shop";
    private readonly TempDirectory _data = new();
    private FakeOllamaServer _ollama = null!;

    public async Task InitializeAsync()
    {
        _ollama = await FakeOllamaServer.StartAsync();
        _ollama.Models.Add("nomic-embed-text");
    }

    public async Task DisposeAsync()
    {
        await _ollama.DisposeAsync();
        _data.Dispose();
    }

    private RagLabApiFactory Lab(string embeddingModel) => new(_data.Path, _ollama.BaseAddress, new Dictionary<string, string?>
    {
        ["RagLab:Ollama:EmbeddingModel"] = embeddingModel,
        ["RagLab:Ingestion:EmbeddingBackfillInterval"] = "00:00:00.200",
    });

    private static Task<HttpResponseMessage> SearchAsync(HttpClient client, string retriever) =>
        client.PostAsJsonAsync("/api/search", new { query = "refund window", retriever, collection = Collection });

    private static JsonElement Vectors(JsonElement status) =>
        Assert.Single(status.GetProperty("collections").EnumerateArray(), c => c.GetProperty("collection").GetString() == Collection);

    private static List<(string?, int)> Models(JsonElement vectors) =>
        [.. vectors.GetProperty("models").EnumerateArray().Select(m => (m.GetProperty("model").GetString(), m.GetProperty("chunks").GetInt32()))];

    /// <summary>Two documents ingested and embedded with all-minilm, which dense search finds.</summary>
    private async Task EmbedWithAllMiniLmAsync()
    {
        await using var first = Lab("all-minilm");
        using var client = first.CreateClient();
        await client.WaitUntilReadyAsync(await client.UploadTextAsync("refunds.md", "# Refunds\n\nThe refund window is 30 days from delivery.", Collection));
        await client.WaitUntilReadyAsync(await client.UploadTextAsync("shipping.md", "# Shipping\n\nExpress shipping costs 12 euros.", Collection));
        Assert.Equal(HttpStatusCode.OK, (await SearchAsync(client, "dense")).StatusCode);
    }

    private static async Task<JsonElement> ReembedAsync(HttpClient lab)
    {
        var accepted = await lab.PostJsonAsync($"/api/collections/{Collection}/reembed", new { }, HttpStatusCode.Accepted);
        return await lab.WaitForJobAsync(accepted.GetProperty("jobId").GetString()!);
    }

    private static List<string> Warnings(JsonElement response) =>
        response.TryGetProperty("warnings", out var warnings) && warnings.ValueKind == JsonValueKind.Array ? [.. warnings.EnumerateArray().Select(w => w.GetString()!)] : [];

    /// <summary>The fallback's warning: both models, and the re-embed as the 409 words it.</summary>
    private static void AssertFallbackWarning(JsonElement response)
    {
        var warning = Assert.Single(Warnings(response), w => w.Contains("instead of the default hybrid"));
        Assert.Contains("all-minilm-l6-v2 (2 chunks)", warning);
        Assert.Contains("configured embedding model is nomic-embed-text", warning);
        Assert.Contains("POST /api/collections/shop/reembed", warning);
        Assert.Contains("raglab reembed shop", warning);
    }

    [Fact]
    public async Task A_collection_embedded_with_another_model_is_refused_for_dense_and_hybrid_until_it_is_reembedded()
    {
        await EmbedWithAllMiniLmAsync();

        await using var second = Lab("nomic-embed-text");
        using var lab = second.CreateClient();

        // Dense and hybrid say what happened and what to call; bm25 answers.
        foreach (var retriever in new[] { "dense", "hybrid" })
        {
            var problem = await EvalTestClient.AssertProblemAsync(await SearchAsync(lab, retriever), HttpStatusCode.Conflict, "re-embed");
            var detail = problem.GetProperty("detail").GetString();
            Assert.Contains("POST /api/collections/shop/reembed", detail);
            Assert.Contains("all-minilm-l6-v2 (2 chunks)", detail);
            Assert.Contains("configured embedding model is nomic-embed-text", detail);
        }
        Assert.Equal(HttpStatusCode.OK, (await SearchAsync(lab, "bm25")).StatusCode);
        using var ask = await lab.PostAsJsonAsync("/api/ask", new { question = "How long is the refund window?", mode = "rag", retriever = "hybrid", collection = Collection });
        await EvalTestClient.AssertProblemAsync(ask, HttpStatusCode.Conflict, "raglab reembed shop");
        // An eval run that would retrieve by meaning is refused before it starts, rather than failing on every question.
        var set = await lab.ImportEvalSetAsync("shop-facts", """{"question": "How long is the refund window?", "answer": "30 days"}""", Collection);
        using var run = await lab.PostAsJsonAsync("/api/evalruns", new { setId = set.GetProperty("id").GetString(), modes = new[] { "rag" }, retrievers = new[] { "bm25", "dense" } });
        await EvalTestClient.AssertProblemAsync(run, HttpStatusCode.Conflict, "POST /api/collections/shop/reembed");

        // A document added meanwhile gets no vector of the new model: the collection's vectors stay one model's.
        await lab.WaitUntilReadyAsync(await lab.UploadTextAsync("warranty.md", "# Warranty\n\nThe warranty lasts two years.", Collection));
        var vectors = Vectors(await lab.GetJsonAsync("/api/status"));
        Assert.True(vectors.GetProperty("reembedNeeded").GetBoolean());
        Assert.Contains("POST /api/collections/shop/reembed", vectors.GetProperty("reembed").GetString());
        Assert.Equal([("all-minilm-l6-v2", 2)], Models(vectors));
        Assert.DoesNotContain(_ollama.RequestsTo("/api/embed"), r => r.Json.GetProperty("model").GetString() == "nomic-embed-text" && r.Body.Contains("refund window"));

        // The re-embed: a job with progress, then dense answers from the new model's vectors only.
        var job = await ReembedAsync(lab);
        Assert.Equal(("reembed", "succeeded"), (job.GetProperty("kind").GetString(), job.GetProperty("status").GetString()));
        Assert.Matches(@"^3 chunks of 'shop' embedded with nomic-embed-text at [\d.]+ chunks/s", job.GetProperty("message").GetString());

        var dense = await SearchAsync(lab, "dense");
        Assert.Equal(HttpStatusCode.OK, dense.StatusCode);
        var hits = (await dense.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("hits");
        Assert.Equal("refunds.md", hits[0].GetProperty("documentName").GetString());
        Assert.Equal(3, hits.GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await SearchAsync(lab, "hybrid")).StatusCode);
        vectors = Vectors(await lab.GetJsonAsync("/api/status"));
        Assert.False(vectors.GetProperty("reembedNeeded").GetBoolean());
        Assert.Equal([("nomic-embed-text", 3)], Models(vectors));

        // Nothing left to do, or nothing there: said so.
        await EvalTestClient.AssertProblemAsync(await lab.PostAsJsonAsync($"/api/collections/{Collection}/reembed", new { }), HttpStatusCode.BadRequest, "nothing to re-embed");
        await EvalTestClient.AssertProblemAsync(await lab.PostAsJsonAsync("/api/collections/nowhere/reembed", new { }), HttpStatusCode.NotFound, "has no documents");
        await EvalTestClient.AssertProblemAsync(await lab.PostAsJsonAsync("/api/collections/Not%20Valid/reembed", new { }), HttpStatusCode.BadRequest, "Collection name");
    }

    [Fact]
    public async Task With_no_retriever_named_a_collection_embedded_with_another_model_is_searched_with_bm25_and_says_why_until_it_is_reembedded()
    {
        await EmbedWithAllMiniLmAsync();
        await using var second = Lab("nomic-embed-text");
        using var lab = second.CreateClient();
        const string question = "How long is the refund window?";
        Task<JsonElement> AskAsync(string? retriever) => lab.PostJsonAsync("/api/ask", new { question, mode = "rag", retriever, collection = Collection });

        // No retriever named: keyword retrieval answers, and the response says why and how to get hybrid back.
        var search = await lab.PostJsonAsync("/api/search", new { query = "refund window", collection = Collection });
        Assert.Equal("bm25", search.GetProperty("retriever").GetString());
        Assert.Equal("refunds.md", search.GetProperty("hits")[0].GetProperty("documentName").GetString());
        AssertFallbackWarning(search);
        var answer = await AskAsync(null);
        Assert.Equal(("bm25", false), (answer.GetProperty("retriever").GetString(), answer.GetProperty("cached").GetBoolean()));
        AssertFallbackWarning(answer);
        // Served from the cache it still says so; an explicit bm25 ask shares that answer, but it was no fallback, so no such warning.
        var again = await AskAsync(null);
        Assert.True(again.GetProperty("cached").GetBoolean());
        AssertFallbackWarning(again);
        var keyword = await AskAsync("bm25");
        Assert.Equal(("bm25", true), (keyword.GetProperty("retriever").GetString(), keyword.GetProperty("cached").GetBoolean()));
        Assert.DoesNotContain(Warnings(keyword), w => w.Contains("re-embed", StringComparison.OrdinalIgnoreCase));

        // Asked for by name, hybrid is still refused.
        await EvalTestClient.AssertProblemAsync(await SearchAsync(lab, "hybrid"), HttpStatusCode.Conflict, "POST /api/collections/shop/reembed");
        await EvalTestClient.AssertProblemAsync(
            await lab.PostAsJsonAsync("/api/ask", new { question, mode = "rag", retriever = "hybrid", collection = Collection }), HttpStatusCode.Conflict, "raglab reembed shop");

        // An eval run naming no retriever measures bm25, records it, and says why.
        var set = await lab.ImportEvalSetAsync("shop-facts", """{"question": "How long is the refund window?", "answer": "30 days"}""", Collection);
        var runId = await lab.RunEvalAsync(new { setId = set.GetProperty("id").GetString(), modes = new[] { "rag" } });
        var summary = (await lab.GetJsonAsync($"/api/evalruns/{runId}")).GetProperty("summary");
        Assert.Equal("bm25", Assert.Single(summary.GetProperty("modes").EnumerateArray()).GetProperty("retriever").GetString());
        AssertFallbackWarning(summary);

        // Once re-embedded, the default is hybrid again, and the bm25 answer is not served for it.
        Assert.Equal("succeeded", (await ReembedAsync(lab)).GetProperty("status").GetString());
        search = await lab.PostJsonAsync("/api/search", new { query = "refund window", collection = Collection });
        Assert.Equal(("hybrid", 0), (search.GetProperty("retriever").GetString(), Warnings(search).Count));
        answer = await AskAsync(null);
        Assert.Equal(("hybrid", false), (answer.GetProperty("retriever").GetString(), answer.GetProperty("cached").GetBoolean()));
        Assert.DoesNotContain(Warnings(answer), w => w.Contains("re-embed", StringComparison.OrdinalIgnoreCase));
    }
}
