using System.Text.Json;

namespace RagLab.Api.Tests;

/// <summary>No model server at all: the bundled all-MiniLM-L6-v2 runs in-process, so dense and hybrid retrieval work.</summary>
public sealed class EmbeddedModelTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private RagLabApiFactory CreateFactory() => new(_data.Path, settings: new Dictionary<string, string?>
    {
        ["RagLab:Embeddings:Model"] = "minilm",
        ["RagLab:Ingestion:EmbeddingBackfillInterval"] = "00:00:05",
    });

    [Fact]
    public async Task Dense_and_hybrid_search_work_with_no_model_server_and_vectors_survive_a_restart()
    {
        string[] ids;
        using (var factory = CreateFactory())
        using (var client = factory.CreateClient())
        {
            var status = await client.GetJsonAsync("/api/status");
            Assert.Equal("embedded (all-MiniLM-L6-v2, onnx)", status.GetProperty("models").GetProperty("embeddingModel").GetString());
            Assert.True(status.GetProperty("models").GetProperty("embeddingsAvailable").GetBoolean());

            ids =
            [
                await client.UploadTextAsync("refunds.md", "# Refunds\n\nCustomers can return a purchase within 30 days and get their money back."),
                await client.UploadTextAsync("volcanoes.md", "# Volcanoes\n\nMagma rises through the crust and erupts as lava."),
                await client.UploadTextAsync("shipping.md", "# Shipping\n\nParcels are delivered by courier in two to five working days."),
            ];
            foreach (var id in ids) await client.WaitUntilReadyAsync(id);

            // BM25 answers as soon as the documents are ready; the vectors follow in an embed job.
            var bm25 = await client.PostJsonAsync("/api/search", new { query = "return a purchase", retriever = "bm25" });
            Assert.Equal(ids[0], bm25.GetProperty("hits")[0].GetProperty("documentId").GetString());
            var job = await WaitForEmbedJobAsync(client);
            Assert.Equal("succeeded", job.GetProperty("status").GetString());

            // No word of the query is in the refunds document: only the meaning matches.
            await AssertTopHitAsync(client, "dense", "how do I get reimbursed for an order", ids[0]);
            await AssertTopHitAsync(client, "hybrid", "molten rock from a mountain", ids[1]);
            var byDefault = await client.PostJsonAsync("/api/search", new { query = "courier delivery time" });
            Assert.Equal("hybrid", byDefault.GetProperty("retriever").GetString());
        }

        using (var factory = CreateFactory())
        using (var client = factory.CreateClient())
        {
            // Stored vectors are loaded, not recomputed: dense answers at once and no new embed job is queued.
            await AssertTopHitAsync(client, "dense", "how do I get reimbursed for an order", ids[0]);
            var jobs = await client.GetJsonAsync("/api/jobs");
            Assert.Single(JobsOfKind(jobs, "embed"));
        }
    }

    private static async Task AssertTopHitAsync(HttpClient client, string retriever, string query, string expectedDocument)
    {
        var result = await client.PostJsonAsync("/api/search", new { query, retriever, topK = 3 });
        Assert.Equal(retriever, result.GetProperty("retriever").GetString());
        Assert.Equal(expectedDocument, result.GetProperty("hits")[0].GetProperty("documentId").GetString());
    }

    private static IEnumerable<JsonElement> JobsOfKind(JsonElement jobs, string kind) =>
        (jobs.ValueKind == JsonValueKind.Array ? jobs : jobs.GetProperty("jobs")).EnumerateArray().Where(j => j.GetProperty("kind").GetString() == kind);

    /// <summary>Waits for the background embed job to exist and finish. Bounded, not timed.</summary>
    private static async Task<JsonElement> WaitForEmbedJobAsync(HttpClient client)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var embed = JobsOfKind(await client.GetJsonAsync("/api/jobs"), "embed").ToList();
            if (embed.Count > 0 && embed.All(j => j.GetProperty("status").GetString() is "succeeded" or "failed")) return embed[0];
            await Task.Delay(50);
        }
        throw new TimeoutException("No embed job finished.");
    }
}
