using System.CommandLine;
using RagLab.Cli.Backends;
using RagLab.Cli.Commands;
using RagLab.Cli.Output;
using Spectre.Console;

namespace RagLab.Cli;

/// <summary>The <c>raglab</c> command tree and how it runs: parse errors exit 2, failures print one red line and exit 1.</summary>
public static class RaglabApp
{
    public static RootCommand CreateRootCommand(CliContext context)
    {
        var globals = new GlobalOptions();
        var connector = new LabConnector(context, globals);
        var root = new RootCommand("RagLab: measure RAG, fine-tuning or both on your own documents. Works in-process on ./.raglab, or against a running Api with --url.")
        {
            globals.Url,
            globals.ApiKey,
            globals.DataDirectory,
        };
        root.Subcommands.Add(IngestCommand.Create(context, connector));
        root.Subcommands.Add(AskCommand.Create(context, connector));
        root.Subcommands.Add(SearchCommand.Create(context, connector));
        root.Subcommands.Add(DocsCommand.Create(context, connector));
        root.Subcommands.Add(StatusCommand.Create(context, connector));
        root.Subcommands.Add(ReembedCommand.Create(context, connector));
        root.Subcommands.Add(EvalCommand.Create(context, connector));
        root.Subcommands.Add(KeysCommand.Create(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var parseResult = CreateRootCommand(context).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors) ErrorReporter.Line(context.Error, error.Message);
            var command = string.Join(' ', CommandPath(parseResult));
            context.Error.MarkupLine($"[grey]See `{Markup.Escape(command)} --help`.[/]");
            return ErrorReporter.Usage;
        }
        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration
            {
                Output = context.HelpWriter,
                Error = context.HelpWriter,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = context.HandleProcessTermination ? TimeSpan.FromSeconds(5) : null,
            }, cancellationToken);
        }
        catch (Exception ex)
        {
            return ErrorReporter.Report(context.Error, ex);
        }
    }

    private static IEnumerable<string> CommandPath(ParseResult parseResult)
    {
        var names = new Stack<string>();
        for (var result = parseResult.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Push(result.Command is RootCommand ? "raglab" : result.Command.Name);
        return names;
    }
}
