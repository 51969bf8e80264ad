using System.CommandLine;
using RagLab.Cli.Backends;
using Spectre.Console;
using DocumentStatus = RagLab.Contracts.DocumentStatus;

namespace RagLab.Cli.Commands;

/// <summary><c>raglab status</c>: what the lab is connected to, and what it holds.</summary>
public static class StatusCommand
{
    public static Command Create(CliContext context, LabConnector connector)
    {
        var command = new Command("status", "Show what the lab is connected to (models, indexes, cache, queue) and what it holds");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var lab = await connector.OpenAsync(parseResult, cancellationToken);
            var status = await lab.GetStatusAsync(cancellationToken);
            var documents = await lab.ListDocumentsAsync(null, cancellationToken);

            var table = new Table().Title($"RagLab at {Markup.Escape(lab.Location)}").AddColumns("Dependency", "Kind", "Endpoint", "Detail");
            foreach (var d in status.Dependencies)
                table.AddRow(Markup.Escape(d.Name), Markup.Escape(d.Kind), Markup.Escape(d.Endpoint ?? "—"), Markup.Escape(d.Detail));
            context.Out.Write(table);

            var m = status.Models;
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("[grey]Chat model[/]", Availability(m.ChatModel, m.ChatAvailable, "answers are extractive"));
            grid.AddRow("[grey]Embedding model[/]", Availability(m.EmbeddingModel, m.EmbeddingsAvailable, "retrieval is bm25 only"));
            if (m.Error is { } error) grid.AddRow("[grey]Model server[/]", $"[yellow]{Markup.Escape(error)}[/]");
            grid.AddRow("[grey]Data directory[/]", status.DataDirectory is { } directory ? Markup.Escape(directory) : "[grey]shown to admins only[/]");
            grid.AddRow("[grey]Jobs[/]", status.JobsInProcess ? "run in the lab's process" : "run by the Worker");
            grid.AddRow("[grey]Documents[/]", $"{documents.Count} in {documents.Select(d => d.Collection).Distinct().Count()} collection(s)" +
                (documents.Any(d => d.Status == DocumentStatus.Failed) ? $", [red]{documents.Count(d => d.Status == DocumentStatus.Failed)} failed[/]" : ""));
            foreach (var vectors in status.Collections ?? [])
                grid.AddRow($"[grey]Vectors of {Markup.Escape(vectors.Collection)}[/]",
                    Markup.Escape(string.Join(", ", vectors.Models.Select(v => $"{v.Model ?? "unrecorded model"} ({v.Chunks:N0} chunks)"))) +
                    (vectors.ReembedNeeded ? $" [yellow]re-embed needed[/]: `raglab reembed {Markup.Escape(vectors.Collection)}`" : ""));
            context.Out.Write(grid);
            return 0;
        });
        return command;
    }

    private static string Availability(string? model, bool available, string consequence) =>
        $"{Markup.Escape(model ?? "none configured")} " + (available ? "[green]available[/]" : $"[yellow]not answering[/] ({consequence})");
}
