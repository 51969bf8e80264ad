using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Api.Tests;

/// <summary>
/// One process with only <c>ConnectionStrings:cache</c> set (a real redis-server with a password): Redis holds the answer
/// cache and the job queue, everything else is embedded.
/// </summary>
public sealed class AspireRedisOnlyTests : IAsyncLifetime
{
    private AspireStack _stack = null!;
    private readonly AspireLogCapture _logs = new();
    private HttpClient _client = null!;
    private Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> _api = null!;

    public async Task InitializeAsync()
    {
        _stack = await AspireStack.StartAsync(models: false, vectors: false);
        _api = _stack.CreateApi(runJobsInProcess: true, logs: _logs);
        _client = _api.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _stack.DisposeAsync();
    }

    [Fact]
    public async Task Status_and_start_up_log_show_redis_for_cache_and_queue_and_embedded_for_the_rest()
    {
        var status = await _client.GetJsonAsync("/api/status");
        var dependencies = status.GetProperty("dependencies").EnumerateArray()
            .ToDictionary(d => d.GetProperty("name").GetString()!, d => d);
        var redisEndpoint = $"127.0.0.1:{_stack.Redis.Port}";

        Assert.Equal("redis", dependencies["answer cache"].GetProperty("kind").GetString());
        Assert.Equal(redisEndpoint, dependencies["answer cache"].GetProperty("endpoint").GetString());
        Assert.Equal("redis", dependencies["job queue"].GetProperty("kind").GetString());
        Assert.Equal("embedded", dependencies["lexical index"].GetProperty("kind").GetString());
        Assert.Equal("embedded", dependencies["vector index"].GetProperty("kind").GetString());
        Assert.Equal("sqlite (embedded)", dependencies["database"].GetProperty("kind").GetString());
        Assert.True(status.GetProperty("jobsInProcess").GetBoolean());

        // One log line per dependency, and never the password.
        var startup = _logs.Lines.Where(l => l.Message.StartsWith("RagLab ", StringComparison.Ordinal)).Select(l => l.Message).ToList();
        foreach (var name in dependencies.Keys) Assert.Single(startup, line => line.StartsWith($"RagLab {name}: ", StringComparison.Ordinal));
        Assert.Contains(startup, line => line.StartsWith($"RagLab answer cache: redis at {redisEndpoint}", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, l => l.Message.Contains(AspireStack.RedisPassword, StringComparison.Ordinal));
        Assert.DoesNotContain(AspireStack.RedisPassword, status.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_are_cached_in_redis_and_a_re_ingest_invalidates_them()
    {
        var id = await _client.UploadTextAsync("pump.txt", "The pump must be primed with water before the first start.");
        await _client.WaitUntilReadyAsync(id);

        var first = await _client.AskAsync("How is the pump primed?");
        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.NotEmpty(await _stack.RedisKeysAsync("raglab:answer:default:*"));
        var second = await _client.AskAsync("How is the pump primed?");
        Assert.True(second.GetProperty("cached").GetBoolean());
        Assert.Equal(first.GetProperty("answer").GetString(), second.GetProperty("answer").GetString());

        // The upload went through the Redis stream and was acknowledged (acknowledged entries are deleted).
        await _stack.WaitUntilQueueDrainedAsync();

        var reingest = await _client.PostJsonAsync("/api/documents", new { name = "pump.txt", text = "The pump must be primed with oil, never with water." }, HttpStatusCode.Accepted);
        // The job ends after the cache is invalidated (the document is ready a moment earlier, as soon as it is searchable).
        await _client.WaitForJobSucceededAsync(reingest.GetProperty("documents")[0].GetProperty("jobId").GetString()!);
        Assert.Empty(await _stack.RedisKeysAsync("raglab:answer:default:*"));
        var afterReingest = await _client.AskAsync("How is the pump primed?");
        Assert.False(afterReingest.GetProperty("cached").GetBoolean());
        Assert.Contains("oil", afterReingest.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task With_redis_down_asks_still_answer_health_is_degraded_and_uploads_are_refused_without_leftovers()
    {
        var id = await _client.UploadTextAsync("pump.txt", "The pump must be primed with water before the first start.");
        await _client.WaitUntilReadyAsync(id);
        await _stack.Redis.StopAsync();

        var answer = await _client.AskAsync("How is the pump primed?");
        Assert.False(answer.GetProperty("cached").GetBoolean());
        Assert.Contains("water", answer.GetProperty("answer").GetString());
        Assert.Contains(_logs.Lines, l => l.Level == LogLevel.Warning && l.Category.Contains("RedisAnswerCache") && l.Message.Contains("unreachable"));

        using (var health = await _client.GetAsync("/health"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("Degraded", report.GetProperty("status").GetString());
            Assert.Contains("cache", report.GetRawText());
        }

        using (var upload = await _client.PostAsJsonAsync("/api/documents", new { name = "valve.txt", text = "The valve opens clockwise." }))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, upload.StatusCode);
            var problem = JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement;
            Assert.Contains("Redis", problem.GetProperty("detail").GetString());
            Assert.Contains("not accepted", problem.GetProperty("detail").GetString());
        }
        var documents = await _api.Services.GetRequiredService<IDocumentStore>().ListAsync(null, CancellationToken.None);
        Assert.DoesNotContain(documents, d => d.Name == "valve.txt");
        var jobs = await _api.Jobs().ListAsync(IngestJobKind, 100, CancellationToken.None);
        Assert.All(jobs.Where(j => j.Payload.Contains("valve.txt")), j => Assert.Equal(JobStatus.Failed, j.Status));
        Assert.Empty(await _api.Jobs().ListUnfinishedAsync(CancellationToken.None));

        // Back up: uploads work again (once the client's reconnect backoff, at most a second, has passed) and nothing of
        // the refused one is in the way.
        await _stack.Redis.RestartAsync();
        string? valve = null;
        await AspireApiCalls.WaitUntilAsync(async () =>
        {
            using var retry = await _client.PostAsJsonAsync("/api/documents", new { name = "valve.txt", text = "The valve opens clockwise." });
            if (retry.StatusCode == HttpStatusCode.ServiceUnavailable) return false;
            Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
            valve = JsonDocument.Parse(await retry.Content.ReadAsStringAsync()).RootElement.GetProperty("documents")[0].GetProperty("id").GetString();
            return true;
        }, "Redis accepts uploads again", attempts: 100);
        await _client.WaitUntilReadyAsync(valve!);
    }

    [Fact]
    public async Task A_redis_restart_during_a_stream_of_asks_fails_no_ask()
    {
        var id = await _client.UploadTextAsync("pump.txt", "The pump must be primed with water before the first start.");
        await _client.WaitUntilReadyAsync(id);

        var failures = new List<string>();
        var answered = 0;
        for (var i = 0; i < 30; i++)
        {
            if (i == 10) await _stack.Redis.RestartAsync();
            using var response = await _client.PostAsJsonAsync("/api/ask", new { question = $"How is the pump primed? ({i % 3})", mode = "rag" });
            if (response.IsSuccessStatusCode) answered++;
            else failures.Add($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        Assert.Empty(failures);
        Assert.Equal(30, answered);
        // The cache works again once the client has reconnected (its backoff is at most a second): an answer is served from it.
        await AspireApiCalls.WaitUntilAsync(async () =>
            (await _client.AskAsync("How is the pump primed? (2)")).GetProperty("cached").GetBoolean(), "answers are cached again", attempts: 100);
    }

    private const string IngestJobKind = RagLab.Core.Ingestion.IngestBatchJobHandler.JobKind;
}
