using System.Text.Json;

namespace RagLab.Cli.Tests;

/// <summary>eval import → run → report, and a BEIR import, in-process without a model (rag answers extractively).</summary>
public sealed class EvalCommandsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly CliHarness _cli;

    public EvalCommandsTests() => _cli = new CliHarness(_temp.Combine("data"));

    public void Dispose() => _temp.Dispose();

    private static int Column(CliResult result, string header) => Array.IndexOf(result.Rows.First(r => r.Contains("Mode")), header);

    [Fact]
    public async Task Import_run_with_bm25_and_report_recommend()
    {
        await _cli.RunOkAsync("ingest", SampleFiles.WriteDocuments(_temp), "-c", "shop");
        var import = await _cli.RunOkAsync("eval", "import", SampleFiles.WriteEvalSet(_temp), "--name", "faq", "--collection", "shop");
        Assert.Contains("3 questions", import.Output);

        var sets = await _cli.RunOkAsync("eval", "sets");
        Assert.Contains(sets.Rows, r => r.Contains("faq") && r.Contains("shop") && r.Contains("3"));

        var summaryPath = _temp.Combine("summary.json");
        var run = await _cli.RunOkAsync("eval", "run", "faq", "--modes", "rag", "--retrievers", "bm25", "--json", summaryPath);

        var row = run.Row("rag");
        Assert.Equal("bm25", row[Column(run, "Retriever")]);
        // Both labelled questions find their document at rank 1 among two documents.
        Assert.Equal("1.000", row[Column(run, "nDCG@10")]);
        Assert.Equal("1.000", row[Column(run, "MRR@10")]);
        Assert.Equal("0", row[Column(run, "Errors")]);

        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryPath));
        var runId = summary.RootElement.GetProperty("runId").GetString()!;
        Assert.Equal(3, summary.RootElement.GetProperty("questions").GetInt32());
        Assert.Contains($"raglab eval report {runId}", run.Output);

        var report = await _cli.RunOkAsync("eval", "report", runId, "--citations-required");
        Assert.Contains("**Recommendation: RAG**", report.Output);
        Assert.Contains("citations required", report.Output);

        var jsonPath = _temp.Combine("report.json");
        await _cli.RunOkAsync("eval", "report", "latest", "--format", "json", "--out", jsonPath, "--citations-required");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(jsonPath));
        Assert.Equal("Rag", json.RootElement.GetProperty("recommendation").GetString());
    }

    [Fact]
    public async Task A_run_that_needs_a_missing_model_fails_with_the_reason()
    {
        await _cli.RunOkAsync("ingest", SampleFiles.WriteDocuments(_temp));
        await _cli.RunOkAsync("eval", "import", SampleFiles.WriteEvalSet(_temp), "--name", "faq");

        var run = await _cli.RunAsync("eval", "run", "faq", "--modes", "rag,base");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'base' mode needs a language model", run.Error);
        var runs = await _cli.RunOkAsync("eval", "runs", "faq");
        Assert.Contains(runs.Rows, r => r.Contains("failed") && r.Contains("rag,base"));
    }

    [Fact]
    public async Task Beir_import_indexes_the_corpus_and_its_set_runs()
    {
        var folder = SampleFiles.WriteBeir(_temp);

        var import = await _cli.RunOkAsync("eval", "import-beir", folder);

        Assert.Contains("tiny-faq", import.Output);
        Assert.Contains("3 (3 ready)", import.Output);
        Assert.Contains("2 with judgements in split 'test'", import.Output);
        Assert.True(import.Error.Contains("done"), import.Error);

        var run = await _cli.RunOkAsync("eval", "run", "tiny-faq", "--modes", "rag", "--retrievers", "bm25");
        Assert.Equal("1.000", run.Row("rag")[Column(run, "Recall@10")]);
    }
}
