using Microsoft.Data.Sqlite;

namespace RagLab.Cli.Tests;

/// <summary>What one raglab invocation printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>The cells of every table row printed to stdout (header rows included), trimmed.</summary>
    public IReadOnlyList<string[]> Rows => Output.Split('\n')
        .Select(l => l.Trim())
        .Where(l => l.StartsWith('│'))
        .Select(l => l.Trim('│').Split('│', StringSplitOptions.TrimEntries))
        .ToArray();

    /// <summary>The first table row whose first cell is <paramref name="key"/>.</summary>
    public string[] Row(string key) => Rows.FirstOrDefault(r => r[0] == key) ?? throw new Xunit.Sdk.XunitException($"No row '{key}' in:\n{this}");

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}

/// <summary>
/// Runs the real command tree in-process with its output captured as a redirected terminal would see it (no ANSI, no live
/// progress). The in-process lab uses <see cref="DataDirectory"/> and a model endpoint nothing listens on (port 9), so it
/// behaves as on a bare machine: BM25 and extractive answers.
/// </summary>
public sealed class CliHarness(string dataDirectory, Func<HttpMessageHandler>? httpHandler = null)
{
    public const string NoModelServer = "http://127.0.0.1:9";

    public string DataDirectory { get; } = dataDirectory;

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = new CliContext
        {
            Out = Console(output),
            Error = Console(error),
            HelpWriter = output,
            Settings = new Dictionary<string, string?>
            {
                ["RagLab:DataDirectory"] = DataDirectory,
                ["RagLab:Ollama:Endpoint"] = NoModelServer,
                ["RagLab:Ollama:ProbeInterval"] = "00:00:00.200",
            },
            HttpHandlerFactory = httpHandler,
            PollInterval = TimeSpan.FromMilliseconds(20),
            HandleProcessTermination = false,
        };
        var exitCode = await RaglabApp.RunAsync(args, context);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>A redirected console, wide enough that table rows with temporary paths do not wrap.</summary>
    private static Spectre.Console.IAnsiConsole Console(TextWriter writer)
    {
        var console = CliContext.CreateConsole(writer, redirected: true);
        console.Profile.Width = 400;
        return console;
    }

    /// <summary>Runs and asserts success, showing everything printed when it fails.</summary>
    public async Task<CliResult> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"raglab {string.Join(' ', args)} failed:\n{result}");
        return result;
    }
}

/// <summary>A fresh temporary folder per test, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "raglab-cli-test-" + Guid.NewGuid().ToString("n"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Small files a user would ingest and evaluate: a shop's help pages and questions about them.</summary>
public static class SampleFiles
{
    /// <summary>refunds.md and shipping.txt (in a sub-folder), a hidden file and an unsupported file that must be skipped.</summary>
    public static string WriteDocuments(TempDirectory temp)
    {
        var root = temp.Combine("docs");
        Directory.CreateDirectory(System.IO.Path.Combine(root, "policies"));
        File.WriteAllText(System.IO.Path.Combine(root, "refunds.md"),
            "# Refunds\n\nRefunds are accepted within 30 days of purchase. Keep the receipt.\n\n## Exceptions\n\nGift cards cannot be refunded.\n");
        File.WriteAllText(System.IO.Path.Combine(root, "policies", "shipping.txt"),
            "Express shipping costs 12 euros. Parcels are delivered by DHL within two working days.\n");
        File.WriteAllText(System.IO.Path.Combine(root, ".notes.md"), "# Private\n\nNot for the index.\n");
        File.WriteAllBytes(System.IO.Path.Combine(root, "logo.bin"), [1, 2, 3]);
        return root;
    }

    public static string WriteEvalSet(TempDirectory temp)
    {
        var path = temp.Combine("faq.jsonl");
        File.WriteAllText(path, """
            {"id": "refund", "question": "How many days do I have to ask for a refund?", "answer": "30 days", "relevantDocuments": ["refunds.md"]}
            {"id": "carrier", "question": "Which carrier delivers the parcels?", "answer": "DHL", "relevantDocuments": ["shipping.txt"]}
            {"id": "founder", "question": "Who founded the company?", "unanswerable": true}
            """);
        return path;
    }

    /// <summary>A BEIR folder of three documents and two judged test queries (plus one query without judgements).</summary>
    public static string WriteBeir(TempDirectory temp, string name = "Tiny-Faq")
    {
        var root = temp.Combine(name);
        Directory.CreateDirectory(System.IO.Path.Combine(root, "qrels"));
        File.WriteAllText(System.IO.Path.Combine(root, "corpus.jsonl"), """
            {"_id": "d1", "title": "Refunds", "text": "Refunds are accepted within 30 days of purchase."}
            {"_id": "d2", "title": "Shipping", "text": "Parcels are delivered by DHL within two working days."}
            {"_id": "d3", "title": "Warranty", "text": "Every appliance carries a two year warranty."}
            """);
        File.WriteAllText(System.IO.Path.Combine(root, "queries.jsonl"), """
            {"_id": "q1", "text": "refunds accepted within how many days"}
            {"_id": "q2", "text": "which carrier delivers parcels"}
            {"_id": "q3", "text": "unjudged question"}
            """);
        File.WriteAllText(System.IO.Path.Combine(root, "qrels", "test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n");
        return root;
    }
}
