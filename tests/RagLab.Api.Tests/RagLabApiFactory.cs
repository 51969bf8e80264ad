using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace RagLab.Api.Tests;

/// <summary>
/// The real Api on the embedded default, in a temporary data directory. With no <paramref name="ollamaEndpoint"/> the model
/// server is a closed loopback port: BM25 and extractive answers, and no in-process embedding model unless
/// <paramref name="settings"/> sets <c>RagLab:Embeddings:Model</c>.
/// </summary>
public sealed class RagLabApiFactory(string dataDirectory, Uri? ollamaEndpoint = null, IDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>
{
    /// <summary>Nothing listens on port 9 (discard) on these machines: connections are refused at once.</summary>
    public static readonly Uri NoModelServer = new("http://127.0.0.1:9");

    public string DataDirectory { get; } = dataDirectory;

    /// <summary>Replaces services after the Api registered its own (e.g. a token validation a test can sign for).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("RagLab:DataDirectory", DataDirectory);
        builder.UseSetting("RagLab:Ollama:Endpoint", (ollamaEndpoint ?? NoModelServer).ToString());
        builder.UseSetting("RagLab:Ollama:ProbeInterval", "00:00:00.200");
        // The in-process model is tested where it is asked for (EmbeddedModelTests); elsewhere it would only add a model load per test.
        builder.UseSetting("RagLab:Embeddings:Model", "off");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
        if (TestServices is { } configure) builder.ConfigureTestServices(configure);
    }

    public static readonly JsonSerializerOptions Json = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Extensions.ConfigureJson(options);
        return options;
    }
}

/// <summary>A fresh temporary data directory per test, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "raglab-test-" + Guid.NewGuid().ToString("n"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Calls a test makes often, phrased as a user would: upload, wait until ready, ask.</summary>
public static class ApiClientExtensions
{
    public static async Task<JsonElement> PostJsonAsync(this HttpClient client, string path, object body, System.Net.HttpStatusCode expected = System.Net.HttpStatusCode.OK)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"POST {path} returned {(int)response.StatusCode}, expected {(int)expected}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} returned {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Uploads a text document as JSON and returns its id.</summary>
    public static async Task<string> UploadTextAsync(this HttpClient client, string name, string text, string? collection = null)
    {
        var body = await client.PostJsonAsync("/api/documents", new { name, text, collection }, System.Net.HttpStatusCode.Accepted);
        return body.GetProperty("documents")[0].GetProperty("id").GetString()!;
    }

    /// <summary>Polls GET /api/jobs/{id} until the job has finished (either way). Bounded, not timed.</summary>
    public static async Task<JsonElement> WaitForJobAsync(this HttpClient client, string jobId)
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            var job = await client.GetJsonAsync($"/api/jobs/{jobId}");
            if (job.GetProperty("status").GetString() is "succeeded" or "failed") return job;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Job {jobId} did not finish.");
    }

    /// <summary>Polls the document until it is ready (or failed, which fails the test). Bounded, not timed.</summary>
    public static async Task<JsonElement> WaitUntilReadyAsync(this HttpClient client, string documentId)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var document = await client.GetJsonAsync($"/api/documents/{documentId}");
            var status = document.GetProperty("status").GetString();
            if (status == "ready") return document;
            Assert.False(status == "failed", $"Document {documentId} failed: {document}");
            await Task.Delay(50);
        }
        throw new TimeoutException($"Document {documentId} did not become ready.");
    }
}
