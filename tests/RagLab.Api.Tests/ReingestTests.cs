using System.Net;

namespace RagLab.Api.Tests;

/// <summary><c>POST /api/documents/{id}/reingest</c>: a document indexed again from the upload the lab stored.</summary>
public sealed class ReingestTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static readonly string LongText = "# Guide\n\n" + string.Join(" ", Enumerable.Range(1, 300).Select(i => $"Step {i} tightens bolt {i}."));

    [Fact]
    public async Task Re_ingesting_after_a_chunking_change_rebuilds_the_chunks_with_the_new_settings()
    {
        string id;
        int chunksBefore;
        using (var factory = new RagLabApiFactory(_data.Path))
        using (var client = factory.CreateClient())
        {
            id = await client.UploadTextAsync("guide.md", LongText);
            chunksBefore = (await client.WaitUntilReadyAsync(id)).GetProperty("chunks").GetInt32();
        }

        using var smaller = new RagLabApiFactory(_data.Path, settings: new Dictionary<string, string?> { ["RagLab:Chunking:MaxTokens"] = "64", ["RagLab:Chunking:OverlapTokens"] = "8" });
        using var again = smaller.CreateClient();
        var accepted = await again.PostJsonAsync($"/api/documents/{id}/reingest", new { }, HttpStatusCode.Accepted);
        var receipt = accepted.GetProperty("documents")[0];
        Assert.Equal(id, receipt.GetProperty("id").GetString());
        Assert.False(string.IsNullOrEmpty(receipt.GetProperty("jobId").GetString()));

        await again.WaitForJobAsync(receipt.GetProperty("jobId").GetString()!);
        var document = await again.WaitUntilReadyAsync(id);
        Assert.True(document.GetProperty("chunks").GetInt32() > chunksBefore,
            $"64-token chunks should outnumber the {chunksBefore} chunks of 256 tokens; got {document.GetProperty("chunks").GetInt32()}.");
        var hits = await again.PostJsonAsync("/api/search", new { query = "bolt 250", topK = 3 });
        Assert.Equal("guide.md", hits.GetProperty("hits")[0].GetProperty("documentName").GetString());
    }

    [Fact]
    public async Task Re_ingesting_a_failed_document_runs_its_indexing_again()
    {
        using var factory = new RagLabApiFactory(_data.Path);
        using var client = factory.CreateClient();
        var id = await client.UploadTextAsync("blank.txt", "   \n\t  ");
        var upload = await client.WaitForFinishedDocumentAsync(id);
        Assert.Equal("failed", upload.GetProperty("status").GetString());

        var accepted = await client.PostJsonAsync($"/api/documents/{id}/reingest", new { }, HttpStatusCode.Accepted);
        var jobId = accepted.GetProperty("documents")[0].GetProperty("jobId").GetString()!;

        Assert.False(string.IsNullOrEmpty(jobId));
        if (upload.TryGetProperty("jobId", out var firstJob)) Assert.NotEqual(firstJob.GetString(), jobId);
        await client.WaitForJobAsync(jobId);
        var document = await client.WaitForFinishedDocumentAsync(id);
        Assert.Equal(jobId, document.GetProperty("jobId").GetString());
        Assert.Equal("failed", document.GetProperty("status").GetString());
        Assert.Equal(upload.GetProperty("error").GetString(), document.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Re_ingesting_an_unknown_document_says_how_to_find_one()
    {
        using var factory = new RagLabApiFactory(_data.Path);
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/api/documents/nope/reingest", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("List documents with GET /api/documents", await response.Content.ReadAsStringAsync());
    }
}

internal static class FinishedDocumentExtensions
{
    /// <summary>Polls the document until it is ready or failed. Bounded, not timed.</summary>
    public static async Task<System.Text.Json.JsonElement> WaitForFinishedDocumentAsync(this HttpClient client, string id)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var document = await client.GetJsonAsync($"/api/documents/{id}");
            if (document.GetProperty("status").GetString() is "ready" or "failed") return document;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Document {id} did not finish indexing.");
    }
}
