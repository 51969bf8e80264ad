using System.CommandLine;
using System.Text.Json;
using RagLab.Cli.Backends;
using RagLab.Cli.Output;
using RagLab.Contracts;
using Spectre.Console;

namespace RagLab.Cli.Commands;

/// <summary><c>raglab eval run &lt;set&gt;</c>: runs the set through each mode × retriever, then prints the summary.</summary>
public static class EvalRunCommand
{
    private static readonly JsonSerializerOptions SummaryJson = new(HttpLabClient.Json) { WriteIndented = true };

    public static Command Create(CliContext context, LabConnector connector)
    {
        var set = new Argument<string>("set") { Description = "The eval set: its id, or its name (latest version)" };
        var modes = new Option<string[]>("--modes") { Description = "Answering modes to compare, comma-separated", DefaultValueFactory = _ => ["rag,base"] };
        var retrievers = new Option<string[]>("--retrievers") { Description = "Retrievers for modes that retrieve, comma-separated (default: the lab's default)" };
        var topK = new Option<int>("--top-k", "-k") { Description = "Chunks retrieved per answer", DefaultValueFactory = _ => 5 };
        var parallelism = new Option<int>("--parallelism", "-p") { Description = "Questions in flight at once (1 to 32)", DefaultValueFactory = _ => 2 };
        var judge = new Option<bool>("--judge") { Description = "Also score groundedness with the chat model as a judge (slower)" };
        var json = new Option<string?>("--json") { Description = "Write the full run summary as JSON to this file" };
        var trec = new Option<string?>("--trec") { Description = "Write each retriever's ranked documents as a TREC run file (file.<retriever>.ext when there are several)" };
        var command = new Command("run", "Run an eval set and print a summary per mode and retriever") { set, modes, retrievers, topK, parallelism, judge, json, trec };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var modeNames = SplitList(parseResult.GetValue(modes));
            var retrieverNames = SplitList(parseResult.GetValue(retrievers));
            if (modeNames.Count == 0) throw new CliUsageException("Give at least one mode, e.g. --modes rag,base.");
            await using var lab = await connector.OpenAsync(parseResult, cancellationToken);

            var known = await lab.GetModesAsync(cancellationToken);
            if (modeNames.FirstOrDefault(m => !known.Contains(m, StringComparer.OrdinalIgnoreCase)) is { } unknown)
                throw new CliUsageException($"Unknown mode '{unknown}'. Use one of: {string.Join(", ", known)}.");
            var evalSet = await EvalSetResolver.ResolveAsync(lab, parseResult.GetValue(set)!, cancellationToken);

            // The lab checks the settings (ranges, repeats) and refuses bad ones with its own message, before anything runs.
            var request = new StartEvalRunRequest(evalSet.Id, modeNames, retrieverNames.Count == 0 ? null : retrieverNames,
                parseResult.GetValue(topK), parseResult.GetValue(parallelism), parseResult.GetValue(judge));
            var started = await lab.StartEvalRunAsync(request, cancellationToken);
            context.Error.MarkupLine($"[grey]Run {Markup.Escape(started.RunId)} on {Markup.Escape(evalSet.Name)} v{evalSet.Version} ({evalSet.ItemCount} questions)[/]");

            if (started.JobId is { } jobId)
                await new ProgressWatcher(context.Error, context.PollInterval).WaitForJobsAsync(lab, [jobId], $"Evaluating {evalSet.Name}", cancellationToken);
            var run = await WaitForRunAsync(lab, started.RunId, context.PollInterval, cancellationToken);
            if (run.Status != EvalRunStatus.Completed || run.Summary is null)
                throw new InvalidDataException($"Eval run {run.Id} {run.Status.ToString().ToLowerInvariant()}: {run.Error ?? "no summary was stored"}");

            EvalSummaryTable.Write(context.Out, run.Summary);
            if (parseResult.GetValue(json) is { Length: > 0 } path)
            {
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(run.Summary, SummaryJson), cancellationToken);
                context.Out.MarkupLine($"Summary written to {Markup.Escape(path)}.");
            }
            if (parseResult.GetValue(trec) is { Length: > 0 } trecPath)
                await WriteTrecRunsAsync(context, lab, evalSet, run.Id, trecPath, cancellationToken);
            context.Out.MarkupLine($"Decision report: raglab eval report {Markup.Escape(run.Id)}");
            return 0;
        });
        return command;
    }

    /// <summary>
    /// One TREC run file per retriever. For a BEIR set the docid is the corpus id (the document name without ".txt"), so the
    /// file scores directly against the BEIR qrels; otherwise it is the RagLab document id.
    /// </summary>
    private static async Task WriteTrecRunsAsync(CliContext context, ILabClient lab, EvalSetResponse evalSet, string runId, string path, CancellationToken cancellationToken)
    {
        var records = await lab.GetEvalRetrievalsAsync(runId, cancellationToken);
        if (records.Count == 0)
        {
            context.Error.MarkupLine("[yellow]No TREC run file written: the run measured no retrieval (use a mode that retrieves, or --retrievers, on a set with relevantDocuments).[/]");
            return;
        }
        Func<string, string> docIdFor = id => id;
        if (evalSet.Source == EvalSetSource.Beir)
        {
            var names = (await lab.ListDocumentsAsync(evalSet.Collection, cancellationToken)).ToDictionary(d => d.Id, d => d.Name, StringComparer.Ordinal);
            docIdFor = id => names.TryGetValue(id, out var name) && name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) ? name[..^4] : id;
        }
        var byRetriever = records.GroupBy(r => r.Retriever, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
        foreach (var group in byRetriever)
        {
            var file = TrecRunFile.PathFor(path, group.Key, byRetriever.Length);
            await File.WriteAllTextAsync(file, TrecRunFile.Format(group, $"raglab-{group.Key}", docIdFor), cancellationToken);
            context.Out.MarkupLine($"TREC run for {Markup.Escape(group.Key)} written to {Markup.Escape(file)}.");
        }
    }

    /// <summary>"rag,base" and repeated options alike become one list, without blanks or repeats.</summary>
    public static IReadOnlyList<string> SplitList(IEnumerable<string>? values) =>
        [.. (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>The job may finish a moment before the run record says so; wait for the run to settle.</summary>
    private static async Task<EvalRunResponse> WaitForRunAsync(ILabClient lab, string runId, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        while (true)
        {
            var run = await lab.GetEvalRunAsync(runId, cancellationToken) ?? throw new InvalidDataException($"Eval run {runId} disappeared.");
            if (run.Status is EvalRunStatus.Completed or EvalRunStatus.Failed) return run;
            if (run.JobId is { } jobId && await lab.GetJobAsync(jobId, cancellationToken) is { Status: JobStatus.Failed } job)
                return run with { Status = EvalRunStatus.Failed, Error = run.Error ?? job.Error };
            await Task.Delay(pollInterval, cancellationToken);
        }
    }
}
