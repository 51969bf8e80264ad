using System.Net;
using RagLab.Core.Kernel;

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
}
