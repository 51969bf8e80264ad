using System.CommandLine;
using RagLab.Cli.Backends;
using RagLab.Cli.Output;
using Spectre.Console;
using RagLab.Contracts;
using RagLab.Core.Kernel;
using AskRequest = RagLab.Contracts.AskRequest;

namespace RagLab.Cli.Commands;

/// <summary><c>raglab ask "&lt;question&gt;"</c>: the answer, its citations, and what it cost.</summary>
public static class AskCommand
{
    public static Command Create(CliContext context, LabConnector connector)
    {
        var question = new Argument<string>("question") { Description = "The question" };
        var mode = new Option<string>("--mode", "-m") { Description = "Answering mode: rag, base, or another registered mode", DefaultValueFactory = _ => AnswerModeNames.Rag };
        var retriever = new Option<string?>("--retriever", "-r") { Description = "bm25, dense or hybrid (default: hybrid when embeddings are connected and the collection needs no re-embed, else bm25)" };
        var topK = new Option<int?>("--top-k", "-k") { Description = "Chunks to retrieve (default 5)" };
        var collection = GlobalOptions.Collection();
        var stream = new Option<bool>("--stream") { Description = "Print the answer as it is generated" };
        var noCache = new Option<bool>("--no-cache") { Description = "Bypass the answer cache" };
        var command = new Command("ask", "Answer a question from your documents (or from the model alone with --mode base)")
        {
            question, mode, retriever, topK, collection, stream, noCache,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var request = new AskRequest(parseResult.GetValue(question) ?? "", parseResult.GetValue(mode), parseResult.GetValue(topK),
                parseResult.GetValue(retriever), parseResult.GetValue(collection));
            var bypassCache = parseResult.GetValue(noCache);
            await using var lab = await connector.OpenAsync(parseResult, cancellationToken);

            AskResponse? result = null;
            if (parseResult.GetValue(stream))
            {
                var printed = false;
                await foreach (var answerEvent in lab.AskStreamingAsync(request, bypassCache, cancellationToken))
                {
                    switch (answerEvent)
                    {
                        case AskTokenEvent token:
                            context.Out.Write(new Text(token.Text));
                            printed = true;
                            break;
                        case AskDoneEvent done:
                            result = done.Response;
                            break;
                    }
                }
                if (result is null) throw new InvalidDataException("The answer stream ended without a result.");
                if (printed) context.Out.WriteLine();
                else context.Out.WriteLine(result.Answer);
            }
            else
            {
                result = await lab.AskAsync(request, bypassCache, cancellationToken);
                context.Out.WriteLine(result.Answer);
            }
            context.Out.WriteLine();
            WriteDetails(context.Out, result);
            return 0;
        });
        return command;
    }

    public static void WriteDetails(IAnsiConsole console, AskResponse result)
    {
        if (result.Citations.Count > 0)
        {
            var citations = new Table().Title("Citations").AddColumns("#", "Document", "Quote");
            var number = 0;
            foreach (var citation in result.Citations)
                citations.AddRow((++number).ToString(), Markup.Escape(citation.DocumentName), Markup.Escape(Format.Snippet(citation.Quote, 200)));
            console.Write(citations);
        }
        else if (result.Retrieved is { Count: > 0 })
        {
            console.MarkupLine("[yellow]No citations[/] (the answer cites none of the retrieved chunks).");
        }

        var details = new Grid().AddColumn().AddColumn();
        details.AddRow("[grey]Mode[/]", Markup.Escape(result.Mode) + (result.Retriever is { } r ? $" (retriever {Markup.Escape(r)})" : ""));
        details.AddRow("[grey]Model[/]", result.Extractive
            ? "[yellow]extractive[/] (no LLM answered: sentences copied from the top chunks)"
            : Markup.Escape(result.Model));
        var t = result.Timings;
        details.AddRow("[grey]Timings[/]", $"retrieval {Format.Ms(t.RetrievalMs)}, generation {Format.Ms(t.GenerationMs)}, total {Format.Ms(t.TotalMs)}"
            + (t.TimeToFirstTokenMs is { } first ? $", first token {Format.Ms(first)}" : ""));
        details.AddRow("[grey]Tokens[/]", $"{result.Usage.InputTokens} in, {result.Usage.OutputTokens} out");
        details.AddRow("[grey]Cached[/]", result.Cached ? "yes" : "no");
        foreach (var warning in result.Warnings ?? []) details.AddRow("[yellow]Warning[/]", Markup.Escape(warning));
        console.Write(details);
    }
}
