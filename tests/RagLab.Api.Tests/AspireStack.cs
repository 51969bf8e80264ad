using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using RagLab.Core.Jobs;
using RagLab.Testing;

namespace RagLab.Api.Tests;

/// <summary>
/// What the AppHost starts, without containers: a fake Ollama and a fake Qdrant (both speaking the reference protocols, the
/// Qdrant one with an API key), a real redis-server with a password, and one shared data directory. <see cref="Configuration"/>
/// is what Aspire injects into the Api and the Worker (connection strings, RagLab__DataDirectory, RagLab__Jobs__RunInProcess).
/// </summary>
public sealed class AspireStack : IAsyncDisposable
{
    public const string QdrantKey = "qdrant-test-key";
    public const string RedisPassword = "redis-test-password";

    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<IHost> _workers = [];

    private AspireStack(TempDirectory data) => Data = data;

    public TempDirectory Data { get; }

    public FakeOllamaServer? Ollama { get; private set; }

    public FakeQdrantServer? Qdrant { get; private set; }

    public RedisServerProcess Redis { get; private set; } = null!;

    /// <summary>A client of the test's own for looking into Redis (keys, the job stream).</summary>
    public ConnectionMultiplexer RedisProbe { get; private set; } = null!;

    /// <param name="models">Start the fake Ollama and pass ConnectionStrings:chat/embeddings.</param>
    /// <param name="vectors">Start the fake Qdrant and pass ConnectionStrings:vectordb_http.</param>
    public static async Task<AspireStack> StartAsync(bool models = true, bool vectors = true, RedisServerSettings? redis = null)
    {
        var stack = new AspireStack(new TempDirectory());
        try
        {
            stack.Redis = await RedisServerProcess.StartAsync(redis ?? new RedisServerSettings(Password: RedisPassword));
            stack._owned.Add(stack.Redis);
            // Waits out a restart (queues commands until reconnected) rather than failing fast like RagLab's own client.
            stack.RedisProbe = await stack.Redis.ConnectAsync(options => { options.BacklogPolicy = BacklogPolicy.Default; options.ClientName = "raglab-test-probe"; });
            stack._owned.Add(stack.RedisProbe);
            if (models)
            {
                stack.Ollama = await FakeOllamaServer.StartAsync();
                stack._owned.Add(stack.Ollama);
            }
            if (vectors)
            {
                stack.Qdrant = await FakeQdrantServer.StartAsync(QdrantKey);
                stack._owned.Add(stack.Qdrant);
            }
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>The configuration the AppHost gives a project, as configuration keys.</summary>
    public Dictionary<string, string?> Configuration(bool runJobsInProcess, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["RagLab:DataDirectory"] = Data.Path,
            ["RagLab:Jobs:RunInProcess"] = runJobsInProcess ? "true" : "false",
            ["ConnectionStrings:cache"] = Redis.ConnectionString,
            // Without a model server the lab must not reach for localhost:11434.
            ["RagLab:Ollama:Endpoint"] = RagLabApiFactory.NoModelServer.ToString(),
            ["RagLab:Ollama:ProbeInterval"] = "00:00:00.200",
        };
        if (Ollama is not null)
        {
            var endpoint = Ollama.BaseAddress.ToString().TrimEnd('/');
            settings["ConnectionStrings:chat"] = $"Endpoint={endpoint};Model=qwen2.5:1.5b";
            settings["ConnectionStrings:embeddings"] = $"Endpoint={endpoint};Model=all-minilm";
        }
        if (Qdrant is not null) settings["ConnectionStrings:vectordb_http"] = Qdrant.ConnectionString;
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>()) settings[key] = value;
        return settings;
    }

    /// <summary>The Api as the AppHost runs it: jobs go to the Worker unless <paramref name="runJobsInProcess"/>.</summary>
    public WebApplicationFactory<Program> CreateApi(bool runJobsInProcess = false, IReadOnlyDictionary<string, string?>? extra = null, AspireLogCapture? logs = null)
    {
        var factory = new RagLabApiFactory(Data.Path, null, Configuration(runJobsInProcess, extra));
        _owned.Add(factory);
        if (logs is null) return factory;
        var withLogs = factory.WithWebHostBuilder(builder => builder.ConfigureLogging(logging => logging.AddProvider(logs)));
        _owned.Add(withLogs);
        return withLogs;
    }

    /// <summary>Starts a Worker host; it is stopped with the stack unless the test stops it first with <see cref="StopWorkerAsync"/>.</summary>
    public async Task<IHost> StartWorkerAsync(IReadOnlyDictionary<string, string?>? extra = null, AspireLogCapture? logs = null)
    {
        var worker = await AspireWorkerHost.StartAsync(Configuration(runJobsInProcess: true, extra), logs);
        _workers.Add(worker);
        return worker;
    }

    public async Task StopWorkerAsync(IHost worker)
    {
        _workers.Remove(worker);
        await AspireWorkerHost.StopAsync(worker);
    }

    /// <summary>Keys in Redis matching a glob pattern.</summary>
    public async Task<List<string>> RedisKeysAsync(string pattern)
    {
        var keys = new List<string>();
        await foreach (var key in RedisProbe.GetServers()[0].KeysAsync(pattern: pattern, pageSize: 100)) keys.Add(key.ToString());
        return keys;
    }

    /// <summary>Entries in the job stream (waiting or delivered and not acknowledged).</summary>
    public async Task<long> QueuedJobsAsync() =>
        await RedisProbe.GetDatabase().StreamLengthAsync("raglab:jobs");

    /// <summary>Waits until the stream is empty: a worker acknowledges (and deletes) an entry just after it records the job's success.</summary>
    public Task WaitUntilQueueDrainedAsync() =>
        AspireApiCalls.WaitUntilAsync(async () => await QueuedJobsAsync() == 0, "the job stream to drain");

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers.ToList())
        {
            try { await AspireWorkerHost.StopAsync(worker); } catch (Exception) { /* already failing */ }
        }
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try { await _owned[i].DisposeAsync(); } catch (Exception) { /* best effort */ }
        }
        Data.Dispose();
    }
}

/// <summary>Calls the Aspire tests make on the Api.</summary>
public static class AspireApiCalls
{
    public static async Task<JsonElement> AskAsync(this HttpClient client, string question, string? retriever = null)
    {
        var body = await client.PostJsonAsync("/api/ask", new { question, mode = "rag", retriever });
        return body;
    }

    /// <summary>Polls until <paramref name="condition"/> holds; bounded by attempts, not asserted on time.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int attempts = 600)
    {
        for (var i = 0; i < attempts; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Gave up waiting until {what}.");
    }

    /// <summary>Waits for the job to finish and asserts it succeeded.</summary>
    public static async Task<JsonElement> WaitForJobSucceededAsync(this HttpClient client, string jobId)
    {
        var job = await client.WaitForJobAsync(jobId);
        Assert.True(job.GetProperty("status").GetString() == "succeeded", $"Job {jobId} failed: {job}");
        return job;
    }

    public static IJobStore Jobs(this WebApplicationFactory<Program> api) => api.Services.GetRequiredService<IJobStore>();
}
