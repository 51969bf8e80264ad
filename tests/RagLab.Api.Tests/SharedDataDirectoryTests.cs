using System.Net;

namespace RagLab.Api.Tests;

/// <summary>
/// Two processes on one data directory (the Api and the CLI, or the Api and a Worker without Qdrant): what one indexes
/// or deletes, the other's in-process indexes follow within seconds, without a restart.
/// </summary>
public sealed class SharedDataDirectoryTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static readonly Dictionary<string, string?> FastSync = new() { ["RagLab:IndexSyncInterval"] = "00:00:00.100" };

    private static async Task<int> CountHitsAsync(HttpClient client, string query)
    {
        var result = await client.PostJsonAsync("/api/search", new { query, retriever = "bm25" });
        return result.GetProperty("hits").GetArrayLength();
    }

    private static async Task WaitForHitsAsync(HttpClient client, string query, int expected)
    {
        for (var attempt = 0; await CountHitsAsync(client, query) != expected; attempt++)
        {
            Assert.True(attempt < 200, $"'{query}' never had {expected} hits in the other process");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Documents_indexed_or_deleted_by_another_process_show_up_here()
    {
        using var api = new RagLabApiFactory(_data.Path, settings: FastSync);
        using var apiClient = api.CreateClient();
        Assert.Equal(0, await CountHitsAsync(apiClient, "sprocket calibration"));

        using var other = new RagLabApiFactory(_data.Path, settings: FastSync);
        using var otherClient = other.CreateClient();
        var id = await otherClient.UploadTextAsync("manual.md", "# Sprocket\n\nSprocket calibration happens every week.");
        await otherClient.WaitUntilReadyAsync(id);

        await WaitForHitsAsync(apiClient, "sprocket calibration", 1);

        Assert.Equal(HttpStatusCode.NoContent, (await otherClient.DeleteAsync($"/api/documents/{id}")).StatusCode);
        await WaitForHitsAsync(apiClient, "sprocket calibration", 0);
    }

    [Fact]
    public async Task An_ask_right_after_another_process_indexed_sees_it_and_does_not_reuse_the_answer_cached_before()
    {
        // The background sync is too slow to help: the ask itself must catch the index up, and key the cache on what it saw.
        var slowSync = new Dictionary<string, string?> { ["RagLab:IndexSyncInterval"] = "01:00:00" };
        using var api = new RagLabApiFactory(_data.Path, settings: slowSync);
        using var apiClient = api.CreateClient();
        var ask = new { question = "How often is sprocket calibration?", mode = "rag", retriever = "bm25" };
        var before = await apiClient.PostJsonAsync("/api/ask", ask);
        Assert.Empty(before.GetProperty("citations").EnumerateArray());

        using var other = new RagLabApiFactory(_data.Path, settings: slowSync);
        using var otherClient = other.CreateClient();
        var id = await otherClient.UploadTextAsync("manual.md", "# Sprocket\n\nSprocket calibration happens every week.");
        await otherClient.WaitUntilReadyAsync(id);

        var after = await apiClient.PostJsonAsync("/api/ask", ask);
        Assert.False(after.GetProperty("cached").GetBoolean());
        Assert.Contains(after.GetProperty("citations").EnumerateArray(), c => c.GetProperty("documentName").GetString() == "manual.md");
        Assert.Equal(1, await CountHitsAsync(apiClient, "sprocket calibration"));
    }
}
