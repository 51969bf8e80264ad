using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using RagLab.Testing;

namespace RagLab.Api.Tests;

/// <summary>Documents loaded before a model server was started become reachable by dense retrieval once it is.</summary>
public sealed class EmbeddingBackfillTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Chunks_indexed_without_a_model_are_embedded_when_one_appears()
    {
        var port = FreePort();
        using var factory = new RagLabApiFactory(_data.Path, new Uri($"http://127.0.0.1:{port}"), new Dictionary<string, string?>
        {
            ["RagLab:Ingestion:EmbeddingBackfillInterval"] = "00:00:00.200",
        });
        using var client = factory.CreateClient();
        var id = await client.UploadTextAsync("llamas.txt", "Llamas hum softly when they are curious about a visitor.");
        await client.WaitUntilReadyAsync(id);
        var refused = await client.PostAsJsonAsync("/api/search", new { query = "curious llamas", retriever = "dense" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);

        await using var ollama = await FakeOllamaServer.StartAsync(port);

        for (var attempt = 0; ; attempt++)
        {
            var response = await client.PostAsJsonAsync("/api/search", new { query = "curious llamas", retriever = "dense" });
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var hits = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("hits");
                if (hits.GetArrayLength() > 0)
                {
                    Assert.Equal(id, hits[0].GetProperty("documentId").GetString());
                    break;
                }
            }
            Assert.True(attempt < 300, "the document never became reachable by dense retrieval");
            await Task.Delay(50);
        }
        Assert.Contains(ollama.Requests, r => r.Path == "/api/embed" && r.Body.Contains("Llamas hum softly"));

        // The embed job keeps what it did, as its message, once it has succeeded.
        var embedJob = Assert.Single((await client.GetJsonAsync("/api/jobs?kind=embed")).EnumerateArray());
        var embed = await client.WaitForJobAsync(embedJob.GetProperty("id").GetString()!);
        Assert.Equal("succeeded", embed.GetProperty("status").GetString());
        Assert.Equal(1.0, embed.GetProperty("progress").GetDouble());
        Assert.Matches(@"^1 chunk embedded with all-minilm at [\d.]+ chunks/s \([\d.]+ s\)\.$", embed.GetProperty("message").GetString());
    }
}
