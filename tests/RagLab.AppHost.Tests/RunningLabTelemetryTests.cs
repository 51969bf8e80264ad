using System.Text;
using Microsoft.Playwright;
using RagLab.AppHost.Tests.Otlp;

namespace RagLab.AppHost.Tests;

/// <summary>
/// What the dashboard shows of a running lab: the traces and metrics api, worker and web export over OTLP, as the in-test
/// collector receives them.
/// </summary>
public partial class RunningLabTests
{
    [Fact]
    public async Task An_upload_in_the_web_ui_is_one_trace_through_web_api_and_the_worker_s_job()
    {
        var ct = Timeout(150);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = lab.App.GetEndpoint("web", "http").ToString() });
        await page.GotoAsync("documents?collection=traced");
        // InputFile listens for "change" only once its JavaScript has initialised the element (it then numbers the files it
        // hands over); files set before that are never uploaded. A person cannot pick files that fast; a test can.
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=upload-input]')?._blazorInputFileNextFileId !== undefined");
        await page.Locator("[data-testid=upload-input]").SetInputFilesAsync(new FilePayload
        {
            Name = "shipping.md",
            MimeType = "text/markdown",
            Buffer = Encoding.UTF8.GetBytes("# Shipping\n\nOrders ship within two working days."),
        });
        await Assertions.Expect(page.Locator("[data-testid=document-row][data-name='shipping.md']"))
            .ToContainTextAsync("ready", new() { Timeout = 120_000 });

        var trace = await lab.Telemetry.WaitForTraceAsync(t =>
            t.Any(s => s.Service == "web") && t.Any(s => s.Service == "worker" && s.Name == "ingest"), ct);

        // Each hop's first span is the child of a span of the process before it: web → api (HTTP), api → worker (Redis stream).
        var api = trace.Where(s => s.Service == "api").ToList();
        Assert.Contains(api, s => trace.Any(w => w.Service == "web" && w.SpanId == s.ParentSpanId));
        var job = Assert.Single(trace, s => s.Service == "worker" && s.Name == "job");
        Assert.Equal("ingest-batch", job.Attributes["job.kind"]);
        Assert.Contains(api, s => s.SpanId == job.ParentSpanId);
        var ingest = Assert.Single(trace, s => s.Service == "worker" && s.Name == "ingest");
        Assert.Equal(job.SpanId, ingest.ParentSpanId);
        Assert.Equal("traced", ingest.Attributes["raglab.collection"]);
    }

    [Fact]
    public async Task A_rag_answer_is_traced_through_cache_retrieve_generate_and_the_model_call_and_counted_in_the_metrics()
    {
        const string collection = "metered";
        var ct = Timeout(120);
        var jobId = await lab.UploadAsync(collection, "returns.md", "# Returns\n\nReturned items are inspected within five days.", ct);
        Assert.Equal("succeeded", (string?)(await lab.WaitForJobAsync(jobId, ct))["status"]);
        await WaitUntilSearchFindsAsync("returned items inspected", "returns.md", ct, collection);
        lab.Ollama.Respond = _ => "Returned items are inspected within five days [1].";

        await AskUntilTheModelAnswersAsync("When are returned items inspected?", ct, collection);
        Assert.True((bool)(await AskAsync("When are returned items inspected?", ct, collection))["cached"]!);

        var trace = await lab.Telemetry.WaitForTraceAsync(t => t.Any(s => s.Service == "api" && s.Name == "generate"), ct);
        Assert.All(trace, s => Assert.Equal("api", s.Service));
        var spans = trace.Select(s => s.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "cache", "retrieve", "generate" }, spans);
        var generate = Assert.Single(trace, s => s.Name == "generate");
        Assert.Equal("rag", generate.Attributes["raglab.mode"]);
        // Microsoft.Extensions.AI's gen_ai span for the model call, inside generate, with the tokens the model reported.
        var chat = Assert.Single(trace, s => s.ParentSpanId == generate.SpanId && s.Attributes.ContainsKey("gen_ai.usage.output_tokens"));
        Assert.Equal("qwen2.5:1.5b", chat.Attributes["gen_ai.request.model"]);
        Assert.True(int.Parse(chat.Attributes["gen_ai.usage.input_tokens"]) > 0);
        Assert.Equal(chat.Attributes["gen_ai.usage.output_tokens"], generate.Attributes["gen_ai.usage.output_tokens"]);

        await lab.Telemetry.WaitForMetricsAsync(
        [
            ("api", "raglab.retrieval.duration"), ("api", "raglab.generation.duration"),
            ("api", "raglab.tokens.input"), ("api", "raglab.tokens.output"),
            ("api", "raglab.cache.hits"), ("api", "raglab.cache.misses"), ("api", "raglab.cache.hit_ratio"),
            ("worker", "raglab.ingestion.duration"), ("worker", "raglab.job.duration"), ("worker", "raglab.job.queue.depth"),
        ], ct);
    }

    [Fact]
    public async Task The_dashboard_gets_requests_and_jobs_not_the_database_and_cache_calls_of_background_loops()
    {
        var ct = Timeout(90);
        var jobId = await lab.UploadAsync("quiet", "hours.md", "# Opening hours\n\nThe office opens at nine.", ct);
        await lab.WaitForJobAsync(jobId, ct);
        // By the time the job's trace is exported, the Api's index sync (every 2 s), the worker's queue reads and the health
        // probes have each run many times.
        await lab.Telemetry.WaitForTraceAsync(t => t.Any(s => s.Name == "job" && s.Attributes.GetValueOrDefault("job.id") == jobId), ct);

        var roots = lab.Telemetry.Spans.Where(s => s.ParentSpanId is null).ToList();
        Assert.DoesNotContain(roots, s => s.Kind == SpanKind.Client);
        Assert.Contains(roots, s => s.Service == "api" && s.Kind == SpanKind.Server);
        // The worker's job spans continue the Api's traces, and the worker's own background calls are not exported.
        Assert.DoesNotContain(roots, s => s.Service == "worker" && s.Scope != "RagLab");
    }
}
