using System.CommandLine;
using RagLab.Cli.Backends;
using RagLab.Cli.Output;
using Spectre.Console;

namespace RagLab.Cli.Commands;

/// <summary><c>raglab search "&lt;query&gt;"</c>: the retrieved chunks, best first.</summary>
public static class SearchCommand
{
    public static Command Create(CliContext context, LabConnector connector)
    {
        var query = new Argument<string>("query") { Description = "What to look for" };
        var retriever = new Option<string?>("--retriever", "-r") { Description = "bm25, dense or hybrid (default: hybrid when embeddings are connected and the collection needs no re-embed, else bm25)" };
        var topK = new Option<int?>("--top-k", "-k") { Description = "Chunks to return (default 5)" };
        var collection = GlobalOptions.Collection();
        var command = new Command("search", "Retrieve the chunks that best match a query") { query, retriever, topK, collection };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var text = parseResult.GetValue(query)?.Trim();
            if (string.IsNullOrEmpty(text)) throw new CliUsageException("The query is empty.");
            await using var lab = await connector.OpenAsync(parseResult, cancellationToken);
            var results = await lab.SearchAsync(text, parseResult.GetValue(retriever), parseResult.GetValue(topK), parseResult.GetValue(collection), cancellationToken);
            foreach (var warning in results.Warnings ?? []) context.Out.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
            if (results.Hits.Count == 0)
            {
                context.Out.MarkupLine($"No matches ({Markup.Escape(results.Retriever)}, {Format.Ms(results.Timings.RetrievalMs)}). Is the collection ingested? See `raglab docs list`.");
                return 0;
            }
            var table = new Table().AddColumns("Rank", "Score", "Document", "Heading path", "Snippet");
            table.Columns[0].RightAligned();
            table.Columns[1].RightAligned();
            foreach (var hit in results.Hits)
                table.AddRow(hit.Rank.ToString(), Format.Number(hit.Score, "0.0000"), Markup.Escape(hit.DocumentName),
                    Markup.Escape(hit.HeadingPath), Markup.Escape(Format.Snippet(hit.Text)));
            context.Out.Write(table);
            context.Out.MarkupLine($"[grey]{results.Hits.Count} hit{(results.Hits.Count == 1 ? "" : "s")} with {Markup.Escape(results.Retriever)} in {Format.Ms(results.Timings.RetrievalMs)}[/]");
            return 0;
        });
        return command;
    }
}
