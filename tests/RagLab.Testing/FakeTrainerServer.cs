using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace RagLab.Testing;

/// <summary>A job the fake trainer received: its <c>config</c> JSON and the two JSONL files.</summary>
public sealed record FakeTrainerJob(string Id, JsonElement Config, string Train, string Validation)
{
    public string Status { get; set; } = "queued";
    public int Step { get; set; }
    public bool CancelRequested { get; set; }
    public string? Error { get; set; }
}

/// <summary>
/// A real HTTP server on 127.0.0.1 that speaks the local trainer's contract (Trainer/README.md): <c>GET /health</c>, <c>POST /jobs</c>
/// (multipart <c>config</c>, <c>train</c>, <c>validation</c>) → 202, <c>GET /jobs/{id}</c>, <c>POST /jobs/{id}/cancel</c>,
/// <c>GET /jobs/{id}/artifacts/{name}</c>. Training is scripted: each <c>GET /jobs/{id}</c> moves a job one step (queued, then
/// running steps 1..<see cref="TotalSteps"/> with a metric each, then succeeded with <see cref="Artifacts"/>).
/// </summary>
public sealed class FakeTrainerServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FakeTrainerJob> _jobs = new(StringComparer.Ordinal);

    private FakeTrainerServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public int TotalSteps { get; set; } = 3;

    /// <summary>The merged model's files served as artifacts, by name.</summary>
    public Dictionary<string, byte[]> Artifacts { get; } = new(StringComparer.Ordinal)
    {
        ["config.json"] = "{\"architectures\": [\"Qwen2ForCausalLM\"]}"u8.ToArray(),
        ["tokenizer.json"] = "{\"version\": \"1.0\"}"u8.ToArray(),
        ["model.safetensors"] = Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray(),
    };

    /// <summary>When set, the job fails with this error at step <see cref="FailAtStep"/>.</summary>
    public string? FailWith { get; set; }

    public int FailAtStep { get; set; } = 2;

    /// <summary>True: a job stays running at step 1 until it is cancelled.</summary>
    public bool HoldRunning { get; set; }

    /// <summary>When set, this artifact is served with different bytes from the ones whose SHA-256 is listed.</summary>
    public string? CorruptArtifact { get; set; }

    public IReadOnlyCollection<FakeTrainerJob> Jobs => _jobs.Values.ToList();

    /// <summary>Artifact downloads served, by name.</summary>
    public ConcurrentBag<string> Downloads { get; } = [];

    public static async Task<FakeTrainerServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var server = new FakeTrainerServer(app);
        server.Map(app);
        await app.StartAsync(cancellationToken);
        server.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/health", () => Results.Json(new { status = "ok", gpu = (object?)null }));
        app.MapPost("/jobs", async (HttpRequest request) =>
        {
            if (!request.HasFormContentType) return Results.Json(new { error = "send multipart/form-data" }, statusCode: 400);
            var form = await request.ReadFormAsync();
            if (form["config"].FirstOrDefault() is not { } config || form.Files.GetFile("train") is not { } train || form.Files.GetFile("validation") is not { } validation)
                return Results.Json(new { error = "config, train and validation are required" }, statusCode: 400);
            var job = new FakeTrainerJob("job-" + (_jobs.Count + 1), JsonDocument.Parse(config).RootElement.Clone(), await ReadAsync(train), await ReadAsync(validation));
            _jobs[job.Id] = job;
            return Results.Json(new { id = job.Id, status = "queued" }, statusCode: 202);
        });
        app.MapGet("/jobs/{id}", (string id) => _jobs.TryGetValue(id, out var job) ? Results.Json(Advance(job)) : Results.Json(new { error = "no such job" }, statusCode: 404));
        app.MapPost("/jobs/{id}/cancel", (string id) =>
        {
            if (!_jobs.TryGetValue(id, out var job)) return Results.Json(new { error = "no such job" }, statusCode: 404);
            if (job.Status is "succeeded" or "failed" or "cancelled") return Results.Json(new { error = $"job is {job.Status}" }, statusCode: 409);
            job.CancelRequested = true;
            return Results.Json(new { id, status = job.Status }, statusCode: 202);
        });
        app.MapGet("/jobs/{id}/artifacts/{name}", (string id, string name) =>
        {
            if (!_jobs.TryGetValue(id, out var job) || job.Status != "succeeded" || !Artifacts.TryGetValue(name, out var bytes))
                return Results.Json(new { error = "no such artifact" }, statusCode: 404);
            Downloads.Add(name);
            return Results.Bytes(name == CorruptArtifact ? [.. bytes, 0x42] : bytes, "application/octet-stream");
        });
    }

    private static async Task<string> ReadAsync(IFormFile file)
    {
        using var reader = new StreamReader(file.OpenReadStream());
        return await reader.ReadToEndAsync();
    }

    private object Advance(FakeTrainerJob job)
    {
        lock (job)
        {
            if (job.CancelRequested && job.Status is "queued" or "running") job.Status = "cancelled";
            else if (job.Status == "queued") { job.Status = "running"; job.Step = 1; }
            else if (job.Status == "running" && !HoldRunning)
            {
                if (FailWith is not null && job.Step >= FailAtStep) { job.Status = "failed"; job.Error = FailWith; }
                else if (job.Step >= TotalSteps) job.Status = "succeeded";
                else job.Step++;
            }
            return new
            {
                id = job.Id,
                status = job.Status,
                step = job.Step,
                totalSteps = TotalSteps,
                metrics = Enumerable.Range(1, job.Step).Select(step => new
                {
                    step,
                    epoch = (double)step / TotalSteps,
                    trainLoss = Math.Round(2.0 / step, 4),
                    validLoss = step == TotalSteps ? Math.Round(2.2 / step, 4) : (double?)null,
                    learningRate = 2e-4,
                }),
                error = job.Error,
                artifacts = job.Status == "succeeded"
                    ? Artifacts.Select(a => new { name = a.Key, bytes = (long)a.Value.Length, sha256 = Convert.ToHexStringLower(SHA256.HashData(a.Value)) }).ToArray()
                    : [],
            };
        }
    }
}
