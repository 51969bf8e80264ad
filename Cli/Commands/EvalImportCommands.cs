using System.CommandLine;
using RagLab.Cli.Backends;
using RagLab.Cli.Output;
using RagLab.Core.Evaluation.Beir;
using Spectre.Console;
using RagLab.Core.Kernel;
using DocumentStatus = RagLab.Contracts.DocumentStatus;

namespace RagLab.Cli.Commands;

/// <summary><c>raglab eval import</c> (JSONL) and <c>raglab eval import-beir</c> (a BEIR folder, indexed before the command returns).</summary>
public static class EvalImportCommands
{
    public static Command CreateJsonl(CliContext context, LabConnector connector)
    {
        var file = new Argument<string>("file") { Description = "JSON Lines, one question per line: {\"question\", \"answer\"?, \"relevantDocuments\"?, \"tags\"?, \"unanswerable\"?, \"id\"?}" };
        var name = new Option<string?>("--name", "-n") { Description = "The set's name (default: the file name); importing a name again adds a version" };
        var collection = GlobalOptions.Collection("The collection the questions are about (default: 'default')");
        var command = new Command("import", "Import an eval set from a JSONL file") { file, name, collection };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var path = parseResult.GetValue(file)!;
            if (!File.Exists(path)) throw new FileNotFoundException($"No such file: '{path}'.", path);
            var setName = parseResult.GetValue(name) is { Length: > 0 } given ? given : Path.GetFileNameWithoutExtension(path);
            var target = CollectionName.Normalize(parseResult.GetValue(collection));
            await using var lab = await connector.OpenAsync(parseResult, cancellationToken);
            var set = await lab.ImportEvalSetAsync(path, setName, target, cancellationToken);
            context.Out.MarkupLine($"Imported [bold]{Markup.Escape(set.Name)}[/] v{set.Version}: {set.ItemCount} questions about '{Markup.Escape(set.Collection)}' (id {Markup.Escape(set.Id)}).");
            context.Out.MarkupLine($"Run it with: raglab eval run {Markup.Escape(set.Name)} --modes rag,base");
            return 0;
        });
        return command;
    }

    public static Command CreateBeir(CliContext context, LabConnector connector)
    {
        var directory = new Argument<string>("folder") { Description = "A BEIR dataset folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv" };
        var collection = GlobalOptions.Collection("Collection for the corpus (default: the folder's name)");
        var split = new Option<string>("--split") { Description = "Which qrels split to evaluate on", DefaultValueFactory = _ => "test" };
        var command = new Command("import-beir", "Import a BEIR dataset: index its corpus and store its judged queries as an eval set") { directory, collection, split };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var folder = parseResult.GetValue(directory)!;
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"No such folder: '{folder}'.");
            var given = parseResult.GetValue(collection);
            // Named here, not by the lab: over HTTP the Api cannot see the folder's name.
            var target = string.IsNullOrWhiteSpace(given) ? BeirImporter.CollectionFromFolder(folder) : CollectionName.Normalize(given);
            await using var lab = await connector.OpenAsync(parseResult, cancellationToken);

            var imported = await lab.ImportBeirAsync(folder, target, parseResult.GetValue(split) ?? "test", cancellationToken);
            var watcher = new ProgressWatcher(context.Error, context.PollInterval);
            var description = $"Indexing {imported.Documents} documents into '{imported.Collection}'";
            if (imported.JobId is { } jobId)
            {
                var jobs = await watcher.WaitForJobsAsync(lab, [jobId], description, cancellationToken);
                if (jobs[jobId] is { Status: RagLab.Contracts.JobStatus.Failed } failed)
                    throw new InvalidDataException($"Indexing the corpus failed: {failed.Error}");
            }
            else
            {
                await watcher.FollowAsync(description, async ct =>
                {
                    var documents = await lab.ListDocumentsAsync(imported.Collection, ct);
                    var waiting = documents.Count(d => d.Status is DocumentStatus.Queued or DocumentStatus.Indexing);
                    var settled = documents.Count - waiting;
                    return new ProgressSnapshot(Math.Min(settled, imported.Documents), imported.Documents, waiting == 0, $"{settled} of {imported.Documents}");
                }, cancellationToken);
            }

            var all = await lab.ListDocumentsAsync(imported.Collection, cancellationToken);
            var failedDocuments = all.Count(d => d.Status == DocumentStatus.Failed);
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("[grey]Collection[/]", Markup.Escape(imported.Collection));
            grid.AddRow("[grey]Documents[/]", $"{imported.Documents} ({all.Count(d => d.Status == DocumentStatus.Ready)} ready" + (failedDocuments > 0 ? $", [red]{failedDocuments} failed[/]" : "") + ")");
            grid.AddRow("[grey]Queries[/]", $"{imported.Queries} with judgements in split '{Markup.Escape(parseResult.GetValue(split) ?? "test")}'");
            grid.AddRow("[grey]Eval set[/]", $"{Markup.Escape(imported.Collection)} (id {Markup.Escape(imported.EvalSetId)})");
            context.Out.Write(grid);
            if (failedDocuments > 0) context.Error.MarkupLine($"[yellow]warning:[/] {failedDocuments} documents could not be indexed; see `raglab docs list -c {Markup.Escape(imported.Collection)}`.");
            context.Out.MarkupLine($"Run it with: raglab eval run {Markup.Escape(imported.EvalSetId)} --modes rag --retrievers bm25");
            return 0;
        });
        return command;
    }
}
