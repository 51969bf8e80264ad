using System.CommandLine;
using RagLab.Cli.Backends;
using RagLab.Cli.Output;
using Spectre.Console;

namespace RagLab.Cli.Commands;

/// <summary><c>raglab reembed &lt;collection&gt;</c>: every vector of a collection made again with the configured embedding model.</summary>
public static class ReembedCommand
{
    public static Command Create(CliContext context, LabConnector connector)
    {
        var collection = new Argument<string>("collection") { Description = "The collection to re-embed (raglab status lists those that need it)" };
        var command = new Command("reembed", "Re-embed a collection with the configured embedding model, after a change of model (dense and hybrid refuse it until then)") { collection };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var name = parseResult.GetValue(collection)?.Trim();
            if (string.IsNullOrEmpty(name)) throw new CliUsageException("Name the collection to re-embed.");
            await using var lab = await connector.OpenAsync(parseResult, cancellationToken);
            var accepted = await lab.StartReembedAsync(name, cancellationToken);
            var jobs = await new ProgressWatcher(context.Error, context.PollInterval).WaitForJobsAsync(lab, [accepted.JobId], $"Re-embedding {name}", cancellationToken);
            var job = jobs[accepted.JobId];
            if (job is null || job.Status != Contracts.JobStatus.Succeeded)
            {
                ErrorReporter.Line(context.Error, $"Re-embedding '{name}' failed: {job?.Error ?? "the job vanished"}");
                return ErrorReporter.Failure;
            }
            context.Out.MarkupLine(Markup.Escape(job.Message ?? $"Re-embedded '{name}'."));
            return 0;
        });
        return command;
    }
}
