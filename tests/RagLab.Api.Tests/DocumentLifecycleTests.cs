using System.Net;
using System.Text.Json;

namespace RagLab.Api.Tests;

/// <summary>Ingest, re-ingest, replace, delete and restart, as a user would do them through the API.</summary>
public sealed class DocumentLifecycleTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static async Task<string[]> SearchDocumentNamesAsync(HttpClient client, string query, string? collection = null)
    {
        var result = await client.PostJsonAsync("/api/search", new { query, topK = 10, collection });
        Assert.Equal("bm25", result.GetProperty("retriever").GetString());
        return [.. result.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("documentName").GetString()!)];
    }

    [Fact]
    public async Task Re_uploading_unchanged_content_does_nothing()
    {
        using var factory = new RagLabApiFactory(_data.Path);
        using var client = factory.CreateClient();
        var id = await client.UploadTextAsync("llamas.md", "# Llamas\n\nLlamas hum when they are curious.");
        await client.WaitUntilReadyAsync(id);
        var chunksBefore = await client.GetJsonAsync($"/api/documents/{id}/chunks");

        var again = await client.PostJsonAsync("/api/documents", new { name = "llamas.md", text = "# Llamas\n\nLlamas hum when they are curious." }, HttpStatusCode.Accepted);
        var receipt = again.GetProperty("documents")[0];
        Assert.Equal(id, receipt.GetProperty("id").GetString());
        Assert.Equal("ready", receipt.GetProperty("status").GetString());
        Assert.False(receipt.TryGetProperty("jobId", out _), "an unchanged upload must not start a job");

        var chunksAfter = await client.GetJsonAsync($"/api/documents/{id}/chunks");
        Assert.Equal(Ids(chunksBefore), Ids(chunksAfter));
        Assert.Single((await client.GetJsonAsync("/api/documents")).EnumerateArray());
    }

    [Fact]
    public async Task Uploading_changed_content_under_the_same_name_replaces_it_everywhere()
    {
        using var factory = new RagLabApiFactory(_data.Path);
        using var client = factory.CreateClient();
        var id = await client.UploadTextAsync("policy.txt", "Refunds are accepted within 14 days of purchase.");
        await client.WaitUntilReadyAsync(id);
        var first = await client.PostJsonAsync("/api/ask", new { question = "How many days for refunds?" });
        Assert.Contains("14 days", first.GetProperty("answer").GetString());
        var cached = await client.PostJsonAsync("/api/ask", new { question = "How many days for refunds?" });
        Assert.True(cached.GetProperty("cached").GetBoolean());

        var newId = await client.UploadTextAsync("policy.txt", "Refunds are accepted within 30 days of purchase.");
        Assert.Equal(id, newId);
        await client.WaitUntilReadyAsync(id);

        var after = await client.PostJsonAsync("/api/ask", new { question = "How many days for refunds?" });
        Assert.False(after.GetProperty("cached").GetBoolean(), "a changed document must not be answered from the cache");
        Assert.Contains("30 days", after.GetProperty("answer").GetString());
        Assert.DoesNotContain("14 days", after.GetProperty("answer").GetString());
        var hits = await client.PostJsonAsync("/api/search", new { query = "refunds 14 days", topK = 10 });
        Assert.All(hits.GetProperty("hits").EnumerateArray(), h => Assert.DoesNotContain("14 days", h.GetProperty("text").GetString()));
        Assert.Single((await client.GetJsonAsync("/api/documents")).EnumerateArray());
    }

    [Fact]
    public async Task Deleting_a_document_removes_it_from_search_answers_and_the_cache()
    {
        using var factory = new RagLabApiFactory(_data.Path);
        using var client = factory.CreateClient();
        var keep = await client.UploadTextAsync("alpacas.txt", "Alpacas are bred for their soft fleece.");
        var drop = await client.UploadTextAsync("llamas.txt", "Llamas are used as pack animals in the Andes.");
        await client.WaitUntilReadyAsync(keep);
        await client.WaitUntilReadyAsync(drop);
        Assert.Contains("llamas.txt", await SearchDocumentNamesAsync(client, "llamas pack animals"));
        var before = await client.PostJsonAsync("/api/ask", new { question = "What are llamas used for?" });
        Assert.Contains(before.GetProperty("citations").EnumerateArray(), c => c.GetProperty("documentName").GetString() == "llamas.txt");

        var response = await client.DeleteAsync($"/api/documents/{drop}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/documents/{drop}")).StatusCode);
        Assert.DoesNotContain("llamas.txt", await SearchDocumentNamesAsync(client, "llamas pack animals"));
        var after = await client.PostJsonAsync("/api/ask", new { question = "What are llamas used for?" });
        Assert.False(after.GetProperty("cached").GetBoolean());
        Assert.DoesNotContain(after.GetProperty("citations").EnumerateArray(), c => c.GetProperty("documentName").GetString() == "llamas.txt");
        Assert.Contains("alpacas.txt", await SearchDocumentNamesAsync(client, "alpacas fleece"));
    }

    [Fact]
    public async Task Collections_are_separate_knowledge_bases()
    {
        using var factory = new RagLabApiFactory(_data.Path);
        using var client = factory.CreateClient();
        var a = await client.UploadTextAsync("notes.txt", "The launch date is in March.", "team-a");
        var b = await client.UploadTextAsync("notes.txt", "The launch date is in October.", "team-b");
        Assert.NotEqual(a, b);
        await client.WaitUntilReadyAsync(a);
        await client.WaitUntilReadyAsync(b);

        var inA = await client.PostJsonAsync("/api/search", new { query = "launch date", collection = "team-a" });
        Assert.All(inA.GetProperty("hits").EnumerateArray(), h => Assert.Equal(a, h.GetProperty("documentId").GetString()));
        Assert.Empty((await client.PostJsonAsync("/api/search", new { query = "launch date" })).GetProperty("hits").EnumerateArray());
        Assert.Single((await client.GetJsonAsync("/api/documents?collection=team-b")).EnumerateArray());
    }

    [Fact]
    public async Task A_restart_loses_nothing()
    {
        string id;
        using (var factory = new RagLabApiFactory(_data.Path))
        using (var client = factory.CreateClient())
        {
            id = await client.UploadTextAsync("guide.md", "# Setup\n\nInstall the widget, then calibrate the sprocket.");
            await client.WaitUntilReadyAsync(id);
        }

        using (var factory = new RagLabApiFactory(_data.Path))
        using (var client = factory.CreateClient())
        {
            var document = await client.GetJsonAsync($"/api/documents/{id}");
            Assert.Equal("ready", document.GetProperty("status").GetString());
            Assert.Contains("guide.md", await SearchDocumentNamesAsync(client, "calibrate the sprocket"));
        }
    }

    private static string[] Ids(JsonElement chunks) => [.. chunks.EnumerateArray().Select(c => c.GetProperty("id").GetString()!)];
}
