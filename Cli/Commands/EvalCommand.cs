using System.CommandLine;
using RagLab.Cli.Backends;
using RagLab.Cli.Output;
using Spectre.Console;

namespace RagLab.Cli.Commands;

/// <summary><c>raglab eval …</c>: eval sets, runs and decision reports.</summary>
public static class EvalCommand
{
    public static Command Create(CliContext context, LabConnector connector)
    {
        var command = new Command("eval", "Measure answer modes and retrievers on an eval set, and get a recommendation");
        command.Subcommands.Add(EvalImportCommands.CreateJsonl(context, connector));
        command.Subcommands.Add(EvalImportCommands.CreateBeir(context, connector));
        command.Subcommands.Add(CreateSets(context, connector));
        command.Subcommands.Add(EvalRunCommand.Create(context, connector));
        command.Subcommands.Add(CreateRuns(context, connector));
        command.Subcommands.Add(EvalReportCommand.Create(context, connector));
        return command;
    }

    private static Command CreateSets(CliContext context, LabConnector connector)
    {
        var collection = GlobalOptions.Collection("Only sets of this collection (default: all)");
        var command = new Command("sets", "List eval sets (every version, newest first)") { collection };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var lab = await connector.OpenAsync(parseResult, cancellationToken);
            var sets = await lab.ListEvalSetsAsync(parseResult.GetValue(collection), cancellationToken);
            if (sets.Count == 0)
            {
                context.Out.WriteLine("No eval sets yet. Import one with `raglab eval import <file.jsonl> --name <name>` or `raglab eval import-beir <folder>`.");
                return 0;
            }
            var table = new Table().AddColumns("Id", "Name", "Version", "Collection", "Questions", "Source", "Created");
            foreach (var s in sets)
                table.AddRow(Markup.Escape(s.Id), Markup.Escape(s.Name), s.Version.ToString(), Markup.Escape(s.Collection), s.ItemCount.ToString(),
                    s.Source.ToString().ToLowerInvariant(), Format.Date(s.CreatedAt));
            context.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command CreateRuns(CliContext context, LabConnector connector)
    {
        var set = new Argument<string?>("set") { Description = "Only runs of this eval set (id or name)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("runs", "List eval runs, newest first") { set };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var lab = await connector.OpenAsync(parseResult, cancellationToken);
            var setId = parseResult.GetValue(set) is { } idOrName ? (await EvalSetResolver.ResolveAsync(lab, idOrName, cancellationToken)).Id : null;
            var runs = await lab.ListEvalRunsAsync(setId, cancellationToken);
            if (runs.Count == 0)
            {
                context.Out.WriteLine("No eval runs yet. Start one with `raglab eval run <set>`.");
                return 0;
            }
            var table = new Table().AddColumns("Id", "Set", "Status", "Modes", "Retrievers", "Created", "Error");
            foreach (var r in runs)
                table.AddRow(Markup.Escape(r.Id), Markup.Escape(r.SetId), r.Status.ToString().ToLowerInvariant(),
                    Markup.Escape(string.Join(",", r.Request.Modes)), Markup.Escape(string.Join(",", r.Request.Retrievers ?? [])),
                    Format.Date(r.CreatedAt), Markup.Escape(Format.Snippet(r.Error ?? "", 80)));
            context.Out.Write(table);
            return 0;
        });
        return command;
    }
}
