using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagLab.Core.Jobs;
using RagLab.Infrastructure.Storage;
using RagLab.Testing;
using RagLab.Core.Kernel;

namespace RagLab.Api.Tests;

/// <summary>
/// The Aspire code path end to end: the Api and a Worker host started with the configuration the AppHost injects
/// (Ollama and Qdrant connection strings, a password-protected Redis, one shared data directory, jobs in the Worker).
/// </summary>
public sealed partial class AspireEndToEndTests : IAsyncLifetime
{
    private const string Text = "# Pump\n\nThe pump must be primed with water before the first start.\n\n## Valve\n\nThe valve opens clockwise with the red key.";
    private AspireStack _stack = null!;
    private WebApplicationFactory<Program> _api = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _stack = await AspireStack.StartAsync();
        _api = _stack.CreateApi(runJobsInProcess: false);
        _client = _api.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _stack.DisposeAsync();
    }

    [Fact]
    public async Task Upload_is_indexed_by_the_worker_into_qdrant_and_answers_are_cached_in_redis()
    {
        var status = await _client.GetJsonAsync("/api/status");
        Assert.False(status.GetProperty("jobsInProcess").GetBoolean());
        var kinds = status.GetProperty("dependencies").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!, d => d.GetProperty("kind").GetString());
        Assert.Equal("qdrant", kinds["vector index"]);
        Assert.Equal("redis", kinds["job queue"]);
        Assert.Equal("ollama", kinds["models"]);

        // The Api only queues: the job waits in the Redis stream until a Worker runs.
        var upload = await _client.PostJsonAsync("/api/documents", new { name = "pump.md", text = Text }, HttpStatusCode.Accepted);
        var documentId = upload.GetProperty("documents")[0].GetProperty("id").GetString()!;
        Assert.Equal(1, await _stack.QueuedJobsAsync());
        Assert.Equal("queued", (await _client.GetJsonAsync($"/api/documents/{documentId}")).GetProperty("status").GetString());

        await _stack.StartWorkerAsync();
        var document = await _client.WaitUntilReadyAsync(documentId);
        await _client.WaitForJobSucceededAsync(upload.GetProperty("documents")[0].GetProperty("jobId").GetString()!);
        await _stack.WaitUntilQueueDrainedAsync();

        var qdrant = _stack.Qdrant!;
        Assert.All(qdrant.Requests, r => Assert.Equal(AspireStack.QdrantKey, r.ApiKey));
        // The fake answers 400 to any field the spec does not define; 404 is only "collection not created yet".
        Assert.All(qdrant.Requests, r => Assert.True(r.StatusCode is 200 or 404, r.ToString()));
        var create = Assert.Single(qdrant.Requests, r => r.Method == "PUT" && r.Path == "/collections/raglab-default").Json!;
        Assert.Equal(FakeOllamaEmbedding.Dimensions, create["vectors"]!["dense"]!["size"]!.GetValue<int>());
        Assert.Equal("Cosine", create["vectors"]!["dense"]!["distance"]!.GetValue<string>());
        Assert.Equal("idf", create["sparse_vectors"]!["bm25"]!["modifier"]!.GetValue<string>());

        var upserts = qdrant.Requests.Where(r => r.Method == "PUT" && r.Path == "/collections/raglab-default/points").ToList();
        Assert.NotEmpty(upserts);
        Assert.All(upserts, r => Assert.Equal("?wait=true", r.Query));
        // Dense and sparse vectors go in one upsert; the keyword-only add that follows is insert_only and keeps them.
        var dense = upserts.Where(r => r.Json!["update_mode"] is null).SelectMany(r => r.Json!["points"]!.AsArray()).ToList();
        Assert.All(upserts.Where(r => r.Json!["update_mode"] is not null), r => Assert.Equal("insert_only", r.Json!["update_mode"]!.GetValue<string>()));
        var points = upserts.SelectMany(r => r.Json!["points"]!.AsArray()).ToList();
        Assert.Equal(document.GetProperty("chunks").GetInt32(), dense.Count);
        Assert.Equal(dense.Count, points.Select(p => p!["id"]!.GetValue<string>()).Distinct().Count());
        Assert.All(dense, point => Assert.Equal(FakeOllamaEmbedding.Dimensions, point!["vector"]!["dense"]!.AsArray().Count));
        Assert.All(points, point =>
        {
            Assert.Matches(UuidPattern(), point!["id"]!.GetValue<string>());
            Assert.NotEmpty(point["vector"]!["bm25"]!["indices"]!.AsArray());
            Assert.Equal(point["vector"]!["bm25"]!["indices"]!.AsArray().Count, point["vector"]!["bm25"]!["values"]!.AsArray().Count);
            Assert.Equal(documentId, point["payload"]!["document_id"]!.GetValue<string>());
        });
        Assert.Equal(dense.Count, qdrant.Points("raglab-default").Count);

        // Ollama got embedding batches in its documented shape.
        var embed = _stack.Ollama!.RequestsTo("/api/embed");
        Assert.NotEmpty(embed);
        Assert.All(embed, r =>
        {
            var body = JsonNode.Parse(r.Body)!;
            Assert.Equal("all-minilm", body["model"]!.GetValue<string>());
            Assert.NotNull(body["input"]);
        });

        qdrant.ClearRequests();
        var first = await _client.PostJsonAsync("/api/ask", new { question = "How is the pump primed?", mode = "rag", retriever = "hybrid" });
        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.Contains(documentId, first.GetRawText());
        var query = Assert.Single(qdrant.Requests, r => r.Path == "/collections/raglab-default/points/query");
        Assert.Equal("POST", query.Method);
        var queryBody = query.Json!;
        Assert.Equal("rrf", queryBody["query"]!["fusion"]!.GetValue<string>());
        var prefetch = queryBody["prefetch"]!.AsArray();
        Assert.Equal(["bm25", "dense"], prefetch.Select(p => p!["using"]!.GetValue<string>()).Order());
        Assert.All(prefetch, p => Assert.True(p!["limit"]!.GetValue<int>() >= 5));
        Assert.True(queryBody["with_payload"]!.GetValue<bool>());
        var chat = Assert.Single(_stack.Ollama.RequestsTo("/api/chat"));
        var chatBody = JsonNode.Parse(chat.Body)!;
        Assert.Equal("qwen2.5:1.5b", chatBody["model"]!.GetValue<string>());
        Assert.Contains(chatBody["messages"]!.AsArray(), m => m!["role"]!.GetValue<string>() == "user");

        var second = await _client.PostJsonAsync("/api/ask", new { question = "How is the pump primed?", mode = "rag", retriever = "hybrid" });
        Assert.True(second.GetProperty("cached").GetBoolean());
        Assert.Equal(first.GetProperty("answer").GetString(), second.GetProperty("answer").GetString());
        Assert.NotEmpty(await _stack.RedisKeysAsync("raglab:answer:default:*"));
        Assert.Single(_stack.Ollama.RequestsTo("/api/chat"));
    }

    [Fact]
    public async Task A_job_interrupted_by_a_worker_stop_is_redelivered_and_indexed_exactly_once()
    {
        // The first Worker's Qdrant never answers, so its job is caught mid-way (embedded, not yet indexed) when it stops.
        await using var stalled = await StallingServer.StartAsync();
        var fastReclaim = new Dictionary<string, string?> { ["RagLab:Redis:Queue:ClaimMinIdle"] = "00:00:00.500" };
        var firstWorker = await _stack.StartWorkerAsync(new Dictionary<string, string?>(fastReclaim)
        {
            ["ConnectionStrings:vectordb_http"] = $"Endpoint={stalled.Endpoint};Key={AspireStack.QdrantKey}",
        });

        var upload = await _client.PostJsonAsync("/api/documents", new { name = "pump.md", text = Text }, HttpStatusCode.Accepted);
        var documentId = upload.GetProperty("documents")[0].GetProperty("id").GetString()!;
        var jobId = upload.GetProperty("documents")[0].GetProperty("jobId").GetString()!;
        await AspireApiCalls.WaitUntilAsync(() => Task.FromResult(stalled.Requests > 0), "the first worker reached Qdrant");
        Assert.Equal(JobStatus.Running, (await _api.Jobs().GetAsync(jobId, CancellationToken.None))!.Status);

        await _stack.StopWorkerAsync(firstWorker);
        // Not acknowledged: still in the stream, pending for the stopped consumer.
        Assert.Equal(1, await _stack.QueuedJobsAsync());
        Assert.Empty(_stack.Qdrant!.Requests);

        await _stack.StartWorkerAsync(fastReclaim);
        var document = await _client.WaitUntilReadyAsync(documentId);
        var job = await _client.WaitForJobSucceededAsync(jobId);
        var record = (await _api.Jobs().GetAsync(jobId, CancellationToken.None))!;
        Assert.Equal(2, record.Attempts);
        await _stack.WaitUntilQueueDrainedAsync();

        // Indexed once: one collection creation, one upsert of the document's points, and exactly its chunks stored.
        var requests = _stack.Qdrant.Requests;
        Assert.Single(requests, r => r.Method == "PUT" && r.Path == "/collections/raglab-default");
        var denseUpserts = requests.Where(r => r.Method == "PUT" && r.Path.EndsWith("/points", StringComparison.Ordinal) && r.Body.Contains("\"dense\"")).ToList();
        Assert.Single(denseUpserts);
        Assert.Equal(document.GetProperty("chunks").GetInt32(), _stack.Qdrant.Points("raglab-default").Count);
        var chunks = await _api.Services.GetRequiredService<IDocumentStore>().GetChunksAsync(documentId, CancellationToken.None);
        Assert.Equal(document.GetProperty("chunks").GetInt32(), chunks.Count);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Jobs_lost_when_redis_restarts_empty_are_queued_again_from_the_job_store()
    {
        var upload = await _client.PostJsonAsync("/api/documents", new { name = "pump.md", text = Text }, HttpStatusCode.Accepted);
        var documentId = upload.GetProperty("documents")[0].GetProperty("id").GetString()!;
        Assert.Equal(1, await _stack.QueuedJobsAsync());

        // Redis without persistence comes back empty: the stream and its job are gone, the job record in SQLite is not.
        await _stack.Redis.RestartAsync();
        Assert.Equal(0, await _stack.QueuedJobsAsync());

        await _stack.StartWorkerAsync(new Dictionary<string, string?> { ["RagLab:Jobs:RequeueAfter"] = "00:00:00" });
        await _client.WaitUntilReadyAsync(documentId);
        await _client.WaitForJobSucceededAsync(upload.GetProperty("documents")[0].GetProperty("jobId").GetString()!);
        await _stack.WaitUntilQueueDrainedAsync();
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex UuidPattern();

    /// <summary>An HTTP server that accepts requests and never answers (until disposed): a dependency that hangs.</summary>
    private sealed class StallingServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private StallingServer(WebApplication app) => _app = app;

        public Uri Endpoint { get; private set; } = null!;

        public int Requests => Volatile.Read(ref _requests);

        public static async Task<StallingServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var server = new StallingServer(app);
            app.Run(async context =>
            {
                Interlocked.Increment(ref server._requests);
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            });
            await app.StartAsync();
            server.Endpoint = new Uri(app.Urls.First());
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(timeout.Token);
            await _app.DisposeAsync();
        }
    }
}
