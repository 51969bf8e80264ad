using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace RagLab.Cli.Tests;

/// <summary>The Api in-memory, on its own temporary data directory with no model server.</summary>
public sealed class ApiFactory(string dataDirectory) : WebApplicationFactory<global::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("RagLab:DataDirectory", dataDirectory);
        builder.UseSetting("RagLab:Ollama:Endpoint", CliHarness.NoModelServer);
        builder.UseSetting("RagLab:Ollama:ProbeInterval", "00:00:00.200");
    }
}

/// <summary><c>--url</c>: the same commands against a running Api, through its HTTP routes.</summary>
public sealed class RemoteApiTests : IDisposable
{
    private const string Url = "http://localhost:5080";
    private readonly TempDirectory _temp = new();
    private readonly ApiFactory _api;
    private readonly CliHarness _cli;

    public RemoteApiTests()
    {
        _api = new ApiFactory(_temp.Combine("api-data"));
        // The CLI's own data directory must stay untouched: everything goes to the Api.
        _cli = new CliHarness(_temp.Combine("cli-data"), () => _api.Server.CreateHandler());
    }

    public void Dispose()
    {
        _api.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task Ingest_search_ask_and_docs_go_through_the_api()
    {
        var ingest = await _cli.RunOkAsync("--url", Url, "ingest", SampleFiles.WriteDocuments(_temp), "-c", "shop");
        Assert.Contains(ingest.Rows, r => r[0].EndsWith("refunds.md") && r[1] == "ready");
        Assert.Contains(ingest.Rows, r => r[0].EndsWith("shipping.txt") && r[1] == "ready");

        var search = await _cli.RunOkAsync("search", "refund days", "-c", "shop", "--url", Url);
        Assert.Equal("refunds.md", search.Row("1")[2]);

        var ask = await _cli.RunOkAsync("ask", "Which carrier delivers the parcels?", "-c", "shop", "--url", Url);
        Assert.Contains("DHL", ask.Output);
        Assert.Contains(ask.Rows, r => r.Contains("shipping.txt"));

        var stream = await _cli.RunOkAsync("ask", "Which carrier delivers the parcels?", "-c", "shop", "--stream", "--no-cache", "--url", Url);
        Assert.Contains(stream.Rows, r => r.Contains("shipping.txt"));

        var list = await _cli.RunOkAsync("docs", "list", "--url", Url);
        Assert.Equal(2, list.Rows.Count(r => r.Contains("shop") && r.Contains("ready")));

        var status = await _cli.RunOkAsync("status", "--url", Url);
        Assert.Contains(Path.GetFullPath(_temp.Combine("api-data")), status.Output);
        Assert.False(Directory.Exists(_cli.DataDirectory));
    }

    [Fact]
    public async Task Eval_import_run_runs_and_report_go_through_the_api()
    {
        await _cli.RunOkAsync("--url", Url, "ingest", SampleFiles.WriteDocuments(_temp), "-c", "shop");
        var import = await _cli.RunOkAsync("--url", Url, "eval", "import", SampleFiles.WriteEvalSet(_temp), "--name", "faq", "--collection", "shop");
        Assert.Contains("3 questions", import.Output);
        var sets = await _cli.RunOkAsync("--url", Url, "eval", "sets");
        Assert.Contains(sets.Rows, r => r.Contains("faq") && r.Contains("shop") && r.Contains("jsonl"));

        var summaryPath = _temp.Combine("summary.json");
        var run = await _cli.RunOkAsync("--url", Url, "eval", "run", "faq", "--modes", "rag", "--retrievers", "bm25", "--json", summaryPath);
        var header = run.Rows.First(r => r.Contains("Mode"));
        // Both labelled questions find their document at rank 1 among two documents.
        Assert.Equal("1.000", run.Row("rag")[Array.IndexOf(header, "nDCG@10")]);
        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryPath));
        var runId = summary.RootElement.GetProperty("runId").GetString()!;
        Assert.Equal(3, summary.RootElement.GetProperty("questions").GetInt32());

        var runs = await _cli.RunOkAsync("--url", Url, "eval", "runs", "faq");
        Assert.Contains(runs.Rows, r => r[0] == runId && r.Contains("completed") && r.Contains("rag") && r.Contains("bm25"));

        var markdown = await _cli.RunOkAsync("--url", Url, "eval", "report", runId, "--citations-required");
        Assert.Contains("**Recommendation: RAG**", markdown.Output);
        Assert.Contains("citations required", markdown.Output);

        var jsonPath = _temp.Combine("report.json");
        await _cli.RunOkAsync("--url", Url, "eval", "report", "latest", "--format", "json", "--out", jsonPath, "--citations-required");
        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(jsonPath));
        Assert.Equal("Rag", report.RootElement.GetProperty("recommendation").GetString());
        Assert.Equal(runId, report.RootElement.GetProperty("summary").GetProperty("runId").GetString());
        Assert.True(report.RootElement.GetProperty("questionnaire").GetProperty("citationsRequired").GetBoolean());
        Assert.False(Directory.Exists(_cli.DataDirectory));
    }

    [Fact]
    public async Task Api_problems_become_one_error_line()
    {
        var unknownMode = await _cli.RunAsync("--url", Url, "ask", "Anything?", "--mode", "telepathy");
        Assert.Equal(1, unknownMode.ExitCode);
        Assert.StartsWith("error: Unknown mode 'telepathy'", unknownMode.Error);

        var missing = await _cli.RunAsync("--url", Url, "docs", "delete", "0000");
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("error: No document with id '0000'", missing.Error);

        var both = await _cli.RunAsync("--url", Url, "--data-dir", _temp.Path, "status");
        Assert.Equal(2, both.ExitCode);
    }
}
