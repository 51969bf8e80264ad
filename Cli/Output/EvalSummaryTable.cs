using RagLab.Contracts;
using Spectre.Console;

namespace RagLab.Cli.Output;

/// <summary>An eval run's summary as one row per mode × retriever, retrieval and answer metrics side by side.</summary>
public static class EvalSummaryTable
{
    public static void Write(IAnsiConsole console, EvalRunSummary summary)
    {
        var table = new Table()
            .Title($"Run {Markup.Escape(summary.RunId)}: {summary.Questions} questions ({summary.LabelledQuestions} labelled, {summary.UnanswerableQuestions} unanswerable)")
            .AddColumns("Mode", "Retriever", "nDCG@10", "Recall@10", "Recall@100", "MRR@10", "F1", "EM", "Grounded", "Citation prec.", "p50", "p95", "Tokens in/out", "Errors");
        for (var i = 2; i < table.Columns.Count; i++) table.Columns[i].RightAligned();

        var retrievers = summary.Retrievers.ToDictionary(r => r.Retriever, StringComparer.OrdinalIgnoreCase);
        var shown = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var mode in Rows(summary.Modes))
        {
            var retrieval = mode.Retriever is { } name ? retrievers.GetValueOrDefault(name) : null;
            if (retrieval is not null) shown.Add(retrieval.Retriever);
            table.AddRow(
                Markup.Escape(mode.Mode), Markup.Escape(mode.Retriever ?? "—"),
                Format.Score(At(retrieval, 10)?.Ndcg), Format.Score(At(retrieval, 10)?.Recall), Format.Score(At(retrieval, 100)?.Recall), Format.Score(At(retrieval, 10)?.ReciprocalRank),
                Format.Score(mode.F1), Format.Score(mode.ExactMatch), Format.Score(mode.JudgeGroundedness ?? mode.LexicalGroundedness), Format.Score(mode.CitationPrecision),
                Format.Ms(mode.Latency.Total.P50), Format.Ms(mode.Latency.Total.P95),
                $"{Format.Number(mode.InputTokensPerQuery, "0")}/{Format.Number(mode.OutputTokensPerQuery, "0")}",
                mode.Errors == 0 ? "0" : $"[red]{mode.Errors}[/]");
        }
        // Retrievers measured without a mode that uses them (e.g. base only, with --retrievers) still get their row.
        foreach (var retrieval in summary.Retrievers.Where(r => !shown.Contains(r.Retriever)))
            table.AddRow("[grey](retrieval)[/]", Markup.Escape(retrieval.Retriever),
                Format.Score(At(retrieval, 10)?.Ndcg), Format.Score(At(retrieval, 10)?.Recall), Format.Score(At(retrieval, 100)?.Recall), Format.Score(At(retrieval, 10)?.ReciprocalRank),
                "—", "—", "—", "—", retrieval.Latency is { } l ? Format.Ms(l.P50) : "—", retrieval.Latency is { } l95 ? Format.Ms(l95.P95) : "—", "—",
                retrieval.Errors == 0 ? "0" : $"[red]{retrieval.Errors}[/]");
        console.Write(table);
        foreach (var warning in summary.Warnings) console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
    }

    /// <summary>Per-retriever rows for modes that retrieve; the all-retrievers row only for modes that have no others.</summary>
    private static IEnumerable<ModeSummary> Rows(IReadOnlyList<ModeSummary> modes) =>
        modes.Where(m => m.Retriever is not null || !modes.Any(o => o.Retriever is not null && string.Equals(o.Mode, m.Mode, StringComparison.OrdinalIgnoreCase)));

    private static RetrievalAtK? At(RetrieverSummary? retrieval, int k) => retrieval?.Scores.FirstOrDefault(s => s.K == k);
}
