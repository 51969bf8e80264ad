using System.CommandLine;
using RagLab.Cli.Backends;
using RagLab.Cli.Output;
using Spectre.Console;
using DocumentStatus = RagLab.Contracts.DocumentStatus;

namespace RagLab.Cli.Commands;

/// <summary><c>raglab docs list|delete</c>.</summary>
public static class DocsCommand
{
    public static Command Create(CliContext context, LabConnector connector)
    {
        var command = new Command("docs", "List or delete documents");

        var collection = GlobalOptions.Collection("Only this collection (default: all)");
        var list = new Command("list", "List documents with their status and chunk count") { collection };
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            await using var lab = await connector.OpenAsync(parseResult, cancellationToken);
            var documents = await lab.ListDocumentsAsync(parseResult.GetValue(collection), cancellationToken);
            if (documents.Count == 0)
            {
                context.Out.WriteLine("No documents yet. Add some with `raglab ingest <path>`.");
                return 0;
            }
            var table = new Table().AddColumns("Id", "Collection", "Name", "Status", "Chunks", "Size", "Updated", "Error");
            foreach (var d in documents.OrderBy(d => d.Collection, StringComparer.Ordinal).ThenBy(d => d.Name, StringComparer.Ordinal))
                table.AddRow(Markup.Escape(d.Id), Markup.Escape(d.Collection), Markup.Escape(d.Name), Status(d.Status), d.Chunks.ToString(),
                    Format.Bytes(d.Bytes), Format.Date(d.UpdatedAt), Markup.Escape(d.Error ?? ""));
            context.Out.Write(table);
            context.Out.MarkupLine($"[grey]{documents.Count} document{(documents.Count == 1 ? "" : "s")} in {documents.Select(d => d.Collection).Distinct().Count()} collection(s)[/]");
            return 0;
        });

        var id = new Argument<string>("id") { Description = "The document id (see `raglab docs list`)" };
        var delete = new Command("delete", "Delete a document from the store, every index and every cache") { id };
        delete.SetAction(async (parseResult, cancellationToken) =>
        {
            var documentId = parseResult.GetValue(id)!;
            await using var lab = await connector.OpenAsync(parseResult, cancellationToken);
            await lab.DeleteDocumentAsync(documentId, cancellationToken);
            context.Out.MarkupLine($"Deleted {Markup.Escape(documentId)}.");
            return 0;
        });

        command.Subcommands.Add(list);
        command.Subcommands.Add(delete);
        return command;
    }

    private static string Status(DocumentStatus status) => status switch
    {
        DocumentStatus.Ready => "[green]ready[/]",
        DocumentStatus.Failed => "[red]failed[/]",
        _ => status.ToString().ToLowerInvariant(),
    };
}
