using System.CommandLine;
using RagLab.Cli.Backends;
using RagLab.Cli.Output;
using RagLab.Core.Ingestion.Parsers;
using Spectre.Console;
using RagLab.Core.Kernel;
using JobStatus = RagLab.Contracts.JobStatus;

namespace RagLab.Cli.Commands;

/// <summary><c>raglab ingest &lt;path…&gt;</c>: files or folders (recursive), then a progress bar until every file is indexed.</summary>
public static class IngestCommand
{
    public static Command Create(CliContext context, LabConnector connector)
    {
        var paths = new Argument<string[]>("path") { Description = "Files or folders to ingest (folders recursively; hidden entries are skipped)", Arity = ArgumentArity.OneOrMore };
        var collection = GlobalOptions.Collection("Collection to ingest into (default: 'default')");
        var command = new Command("ingest", "Add documents to a collection and index them") { paths, collection };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var target = CollectionName.Normalize(parseResult.GetValue(collection));
            var (files, skipped) = FileSelection.Expand(parseResult.GetValue(paths) ?? []);

            await using var lab = await connector.OpenAsync(parseResult, cancellationToken);
            var submitted = new List<IngestedFile>();
            foreach (var file in files) submitted.Add(await lab.SubmitFileAsync(file, target, cancellationToken));

            var jobIds = submitted.Where(f => f.JobId is not null && f.Status is not ("ready" or "failed")).Select(f => f.JobId!).Distinct().ToArray();
            var jobs = await new ProgressWatcher(context.Error, context.PollInterval)
                .WaitForJobsAsync(lab, jobIds, $"Indexing {jobIds.Length} file{(jobIds.Length == 1 ? "" : "s")}", cancellationToken);
            var documents = (await lab.ListDocumentsAsync(target, cancellationToken)).ToDictionary(d => d.Id, StringComparer.Ordinal);

            var table = new Table().Title($"Ingested into '{Markup.Escape(target)}'").AddColumns("File", "Status", "Chunks", "Document id", "Note");
            var failed = 0;
            foreach (var file in submitted)
            {
                var document = file.DocumentId is null ? null : documents.GetValueOrDefault(file.DocumentId);
                var status = document?.Status.ToString().ToLowerInvariant() ?? file.Status;
                var note = file.Error ?? document?.Error
                    ?? (file.JobId is not null && jobs.GetValueOrDefault(file.JobId) is { Status: JobStatus.Failed } job ? job.Error : null)
                    ?? (file.JobId is null && file.Status == "ready" ? "unchanged; already indexed" : null)
                    ?? (document?.Warnings is { Count: > 0 } warnings ? string.Join("; ", warnings) : null);
                if (status == "failed") failed++;
                table.AddRow(Markup.Escape(file.Path), Styled(status), document?.Chunks.ToString() ?? "—", Markup.Escape(file.DocumentId ?? "—"), Markup.Escape(note ?? ""));
            }
            foreach (var (path, reason) in skipped) table.AddRow(Markup.Escape(path), "[yellow]skipped[/]", "—", "—", Markup.Escape(reason));
            context.Out.Write(table);

            var ready = submitted.Count - failed;
            context.Out.MarkupLine($"{ready} ready, {failed} failed, {skipped.Count} skipped.");
            if (failed == 0) return 0;
            ErrorReporter.Line(context.Error, $"{failed} of {submitted.Count} file{(submitted.Count == 1 ? "" : "s")} could not be indexed; see the Note column.");
            return ErrorReporter.Failure;
        });
        return command;
    }

    private static string Styled(string status) => status switch
    {
        "ready" => "[green]ready[/]",
        "failed" => "[red]failed[/]",
        _ => Markup.Escape(status),
    };
}

/// <summary>Turns the paths given on the command line into the files to submit.</summary>
public static class FileSelection
{
    private static readonly IReadOnlySet<string> Supported =
        DocumentParserRegistry.CreateDefault().SupportedExtensions.Select(e => e.StartsWith('.') ? e : "." + e).ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Named files are always submitted (the lab says if it cannot read one). Folders contribute their supported files,
    /// recursively, in a stable order. Document names are file names, so a second file with a name already taken is skipped.
    /// </summary>
    /// <exception cref="FileNotFoundException">A path does not exist.</exception>
    /// <exception cref="ValidationException">Nothing ingestible was found.</exception>
    public static (IReadOnlyList<string> Files, IReadOnlyList<(string Path, string Reason)> Skipped) Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        var skipped = new List<(string, string)>();
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        void Add(string file)
        {
            var name = Path.GetFileName(file);
            if (byName.TryGetValue(name, out var first)) skipped.Add((file, $"same name as {first}; documents are named by file name"));
            else
            {
                byName[name] = file;
                files.Add(file);
            }
        }

        foreach (var path in paths)
        {
            if (File.Exists(path)) Add(path);
            else if (Directory.Exists(path))
            {
                foreach (var file in EnumerateFolder(path))
                {
                    if (Supported.Contains(Path.GetExtension(file))) Add(file);
                }
            }
            else throw new FileNotFoundException($"No such file or folder: '{path}'.", path);
        }
        if (files.Count == 0)
            throw new ValidationException($"No files to ingest: the folders hold no supported files ({string.Join(", ", Supported.Order())}).");
        return (files, skipped);
    }

    private static IEnumerable<string> EnumerateFolder(string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = false, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = true };
        foreach (var file in Directory.EnumerateFiles(folder, "*", options).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal))
            yield return file;
        foreach (var directory in Directory.EnumerateDirectories(folder, "*", options).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal))
        foreach (var file in EnumerateFolder(directory))
            yield return file;
    }
}
