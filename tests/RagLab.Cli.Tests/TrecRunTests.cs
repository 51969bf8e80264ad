using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace RagLab.Cli.Tests;

/// <summary>
/// <c>eval run --trec</c>: the run file, scored by the independent <c>tests/tools/trec_eval.py</c> against the BEIR qrels,
/// gives the figures RagLab printed; and the Api path (--url) writes the same file.
/// </summary>
public sealed class TrecRunTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Trec_run_scored_by_trec_eval_matches_the_printed_metrics()
    {
        var folder = WriteBeir();
        var cli = new CliHarness(_temp.Combine("data"));
        await cli.RunOkAsync("eval", "import-beir", folder);
        var runFile = _temp.Combine("bm25.run");
        var jsonFile = _temp.Combine("summary.json");

        var run = await cli.RunOkAsync("eval", "run", "pets", "--modes", "rag", "--retrievers", "bm25", "--json", jsonFile, "--trec", runFile);

        var lines = File.ReadAllLines(runFile);
        Assert.Contains(lines, l => l.StartsWith("q1 Q0 d1 ", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.Matches(@"^q\d Q0 d\d+ \d+ \d+ raglab-bm25$", l));

        var (ndcg, recall) = ReadSummary(jsonFile);
        // The set is built so neither figure is trivially 0 or 1.
        Assert.InRange(ndcg, 0.01, 0.99);
        Assert.InRange(recall, 0.01, 0.99);
        var header = run.Rows.First(r => r.Contains("nDCG@10"));
        Assert.Contains(run.Rows, r => r.Length == header.Length && r[Array.IndexOf(header, "nDCG@10")] == ndcg.ToString("0.000", CultureInfo.InvariantCulture));

        var trecEval = await TrecEvalAsync(Path.Combine(folder, "qrels", "test.tsv"), runFile);
        Assert.Equal(4, (int)trecEval["num_q"]);
        Assert.Equal(Math.Round(ndcg, 3), Math.Round(trecEval["ndcg_cut_10"], 3));
        Assert.Equal(Math.Round(recall, 3), Math.Round(trecEval["recall_100"], 3));

        // The same run through the Api writes the same file.
        using var api = new ApiFactory(_temp.Combine("api-data"));
        var remote = new CliHarness(_temp.Combine("cli-data"), () => api.Server.CreateHandler());
        const string url = "http://localhost:5080";
        await remote.RunOkAsync("--url", url, "eval", "import-beir", folder);
        var remoteFile = _temp.Combine("remote.run");
        await remote.RunOkAsync("--url", url, "eval", "run", "pets", "--modes", "rag", "--retrievers", "bm25", "--trec", remoteFile);
        Assert.Equal(lines, File.ReadAllLines(remoteFile));
    }

    /// <summary>Eight short documents, four judged queries (one relevant document worded unlike its query, one out of reach), CRLF qrels.</summary>
    private string WriteBeir()
    {
        var root = _temp.Combine("pets");
        Directory.CreateDirectory(Path.Combine(root, "qrels"));
        File.WriteAllText(Path.Combine(root, "corpus.jsonl"), """
            {"_id": "d1", "title": "Cats", "text": "Cats sleep most of the day and purr when content."}
            {"_id": "d2", "title": "Dogs", "text": "Dogs need a daily walk and enjoy fetching a ball."}
            {"_id": "d3", "title": "Feline care", "text": "Brush the coat weekly and trim claws monthly."}
            {"_id": "d4", "title": "Parrots", "text": "Parrots can mimic speech and live for decades."}
            {"_id": "d5", "title": "Fish tanks", "text": "Change a quarter of the aquarium water every week."}
            {"_id": "d6", "title": "Walking", "text": "A walk in the park is good for people too."}
            {"_id": "d7", "title": "Rabbits", "text": "Rabbits chew hay all day to wear their teeth down."}
            {"_id": "d8", "title": "Sleep", "text": "People sleep about eight hours a day."}
            """);
        File.WriteAllText(Path.Combine(root, "queries.jsonl"), """
            {"_id": "q1", "text": "how much do cats sleep during the day"}
            {"_id": "q2", "text": "daily walk for dogs"}
            {"_id": "q3", "text": "aquarium water change"}
            {"_id": "q4", "text": "which pets can talk"}
            """);
        File.WriteAllText(Path.Combine(root, "qrels", "test.tsv"),
            "query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\nq1\td3\t1\r\nq2\td2\t1\r\nq2\td6\t0\r\nq3\td5\t1\r\nq4\td4\t1\r\n");
        return root;
    }

    private static (double Ndcg, double Recall) ReadSummary(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var bm25 = json.RootElement.GetProperty("retrievers").EnumerateArray().Single(r => r.GetProperty("retriever").GetString() == "bm25");
        var scores = bm25.GetProperty("scores").EnumerateArray().ToArray();
        var at10 = scores.Single(s => s.GetProperty("k").GetInt32() == 10);
        var at100 = scores.Single(s => s.GetProperty("k").GetInt32() == 100);
        return (at10.GetProperty("ndcg").GetDouble(), at100.GetProperty("recall").GetDouble());
    }

    /// <summary>Runs tests/tools/trec_eval.py and reads its "measure all value" lines.</summary>
    private static async Task<Dictionary<string, double>> TrecEvalAsync(string qrels, string runFile)
    {
        var script = FindScript();
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { script, qrels, runFile }) start.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"This test needs python3 on PATH to run {script} ({e.Message}).", e);
        }
        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var error = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"trec_eval.py failed ({process.ExitCode}):\n{await error}");
            return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => l.Split('\t', StringSplitOptions.TrimEntries))
                .ToDictionary(f => f[0], f => double.Parse(f[2], CultureInfo.InvariantCulture));
        }
    }

    private static string FindScript()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "tools", "trec_eval.py");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"tests/tools/trec_eval.py was not found above {AppContext.BaseDirectory}.");
    }
}
