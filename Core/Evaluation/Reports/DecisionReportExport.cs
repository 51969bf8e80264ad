using System.Globalization;
using System.Text;
using System.Text.Json;
using RagLab.Core.Evaluation.Runs;

namespace RagLab.Core.Evaluation.Reports;

/// <summary>Writes a <see cref="DecisionReport"/> as Markdown (for people) or JSON (for tools).</summary>
public static class DecisionReportExport
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string ToJson(DecisionReport report) => JsonSerializer.Serialize(report, JsonOptions);

    public static DecisionReport? FromJson(string json) => JsonSerializer.Deserialize<DecisionReport>(json, JsonOptions);

    public static string ToMarkdown(DecisionReport report)
    {
        var md = new StringBuilder();
        var s = report.Summary;
        md.AppendLine("# RagLab decision report").AppendLine();
        md.AppendLine($"**Recommendation: {Name(report.Recommendation)}** (confidence: {report.Confidence.ToString().ToLowerInvariant()})").AppendLine();
        md.AppendLine($"Run `{s.RunId}` on set `{s.SetId}`: {s.Questions} questions ({s.UnanswerableQuestions} unanswerable, {s.LabelledQuestions} with relevant documents).").AppendLine();
        if (report.RuledOut.Count > 0) md.AppendLine($"Ruled out by your answers: {string.Join(", ", report.RuledOut.Select(Name))}.").AppendLine();

        md.AppendLine("## Reasons").AppendLine();
        foreach (var reason in report.Reasons) md.AppendLine($"- {reason.Text} — *{Escape(reason.Evidence)}*");
        md.AppendLine();

        if (report.Warnings.Count > 0)
        {
            md.AppendLine("## Evidence warnings").AppendLine();
            foreach (var warning in report.Warnings) md.AppendLine($"- {warning.Problem} **Next:** {warning.NextStep}");
            md.AppendLine();
        }

        md.AppendLine("## Answer quality").AppendLine();
        md.AppendLine("| mode | retriever | questions | correct | EM | F1 | ROUGE-L | grounded (lexical) | grounded (judge) | citation precision | abstention accuracy | retrieval miss | generation miss | errors |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in s.Modes)
            md.AppendLine($"| {m.Mode} | {Retriever(m)} | {m.Questions} | {P(m.Accuracy)} | {P(m.ExactMatch)} | {P(m.F1)} | {P(m.RougeL)} | {P(m.LexicalGroundedness)} | {P(m.JudgeGroundedness)} | {P(m.CitationPrecision)} | {P(m.AbstentionAccuracy)} | {(m.Retriever is null ? ReportNumbers.NotApplicable : m.Failures.RetrievalMiss)} | {(m.Accuracy is null ? ReportNumbers.NotApplicable : m.Failures.GenerationMiss)} | {m.Errors} |");
        md.AppendLine();
        md.AppendLine($"*{ReportNumbers.NotApplicable}: not computable for this mode or set (e.g. no reference answers), never counted as 0.*").AppendLine();

        md.AppendLine("## Latency and cost").AppendLine();
        md.AppendLine("| mode | retriever | retrieval p50/p95 ms | TTFT p50/p95 ms | generation p50/p95 ms | total p50/p95 ms | tokens in/out per query | $/query | $/month 10k | $/month 100k | $/month 1M | training (one-off) |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var m in s.Modes)
        {
            var cost = m.Cost;
            string Month(long volume) => cost?.Monthly.FirstOrDefault(c => c.QueriesPerMonth == volume) is { } c ? Usd(c.Dollars) : "—";
            md.AppendLine($"| {m.Mode} | {Retriever(m)} | {L(m.Latency.Retrieval)} | {L(m.Latency.TimeToFirstToken)} | {L(m.Latency.Generation)} | {L(m.Latency.Total)} | {m.InputTokensPerQuery:0}/{m.OutputTokensPerQuery:0} | {(cost is null ? "—" : cost.DollarsPerQuery.ToString("0.#####", CultureInfo.InvariantCulture))} | {Month(10_000)} | {Month(100_000)} | {Month(1_000_000)} | {(cost?.OneOffTrainingDollars is { } t ? Usd(t) : "—")} |");
        }
        md.AppendLine();

        AppendModeDetails(md, s);
        AppendFreshness(md, s);

        if (s.Retrievers.Count > 0)
        {
            md.AppendLine("## Retrieval (document level)").AppendLine();
            md.AppendLine("| retriever | k | nDCG | recall | precision | MRR | hit rate |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var r in s.Retrievers)
            foreach (var k in r.Scores)
                md.AppendLine($"| {r.Retriever} | {k.K} | {k.Ndcg:0.000} | {k.Recall:0.000} | {k.Precision:0.000} | {k.ReciprocalRank:0.000} | {k.HitRate:0.000} |");
            md.AppendLine();
        }

        md.AppendLine("## Published figures beside ours").AppendLine();
        md.AppendLine("| claim | published | measured here | source |");
        md.AppendLine("|---|---|---|---|");
        var rag = DecisionEngine.RagRow(s);
        foreach (var figure in s.PublishedFigures)
        {
            var ours = figure.Key switch
            {
                "rag-retrieval-overhead" => rag?.Latency.Retrieval is { Samples: > 0 } l ? $"retrieval p50 {ReportNumbers.Ms(l.P50)} ms, p95 {ReportNumbers.Ms(l.P95)} ms" : "not measured",
                "rag-cost-1m" => rag?.Cost?.Monthly.FirstOrDefault(c => c.QueriesPerMonth == 1_000_000) is { } c ? $"{Usd(c.Dollars)}/month ({rag.Cost!.Basis})" : "no prices given",
                _ => "—",
            };
            md.AppendLine($"| {figure.Wording} | {figure.Figure} | {ours} | {figure.Source} |");
        }
        return md.ToString();
    }

    private static string Name(Recommendation recommendation) => recommendation switch
    {
        Recommendation.PromptingOnly => "prompting only",
        Recommendation.Rag => "RAG",
        Recommendation.FineTuning => "fine-tuning",
        Recommendation.Hybrid => "hybrid (fine-tuning + RAG)",
        Recommendation.InsufficientEvidence => "insufficient evidence (see the warnings for the run that would settle it)",
        _ => recommendation.ToString(),
    };

    private static string P(double? value) => ReportNumbers.Share(value);

    private static string L(LatencyStats? stats) => ReportNumbers.Latency(stats);

    private static string Retriever(ModeSummary mode) => mode.Retriever ?? "none";

    /// <summary>What only some modes measure: long context's first question versus the following ones, and the agent's searches.</summary>
    private static void AppendModeDetails(StringBuilder md, EvalRunSummary s)
    {
        var prefixed = s.Modes.Where(m => m.PrefixCache is not null).ToArray();
        if (prefixed.Length > 0)
        {
            md.AppendLine("## Long context: time to first token, first question vs following").AppendLine();
            md.AppendLine("The first question makes the model read the whole collection; the following ones reuse its cache of that fixed prefix.").AppendLine();
            md.AppendLine("| mode | first question TTFT p50 ms (answers) | following TTFT p50/p95 ms (answers) |");
            md.AppendLine("|---|---:|---:|");
            foreach (var m in prefixed)
                md.AppendLine($"| {ReportNumbers.Label(m)} | {(m.PrefixCache!.First is { } f ? $"{ReportNumbers.Ms(f.P50)} ({f.Samples})" : ReportNumbers.NotApplicable)} | " +
                    $"{(m.PrefixCache.Following is { } g ? $"{L(g)} ({g.Samples})" : ReportNumbers.NotApplicable)} |");
            md.AppendLine();
        }
        var searching = s.Modes.Where(m => m.SearchesPerAnswer is not null).ToArray();
        if (searching.Length > 0)
        {
            md.AppendLine("## Agent: searches per answer").AppendLine();
            md.AppendLine("| mode | retriever | searches per answer |");
            md.AppendLine("|---|---|---:|");
            foreach (var m in searching)
                md.AppendLine($"| {m.Mode} | {Retriever(m)} | {m.SearchesPerAnswer!.Value.ToString("0.0", CultureInfo.InvariantCulture)} |");
            md.AppendLine();
        }
    }

    /// <summary>The run's freshness probe: which modes gave the changed fact and how soon; or what to run when there was none.</summary>
    private static void AppendFreshness(StringBuilder md, EvalRunSummary s)
    {
        md.AppendLine("## Freshness: after a document changed").AppendLine();
        if (s.Freshness is not { } probe)
        {
            md.AppendLine($"Not measured for this run. {FreshnessEvidence.NotMeasured(s).NextStep}").AppendLine();
            return;
        }
        md.AppendLine($"Job `{probe.JobId}`: {probe.DocumentName} changed and was re-indexed in {Seconds(probe.IndexedAfterSeconds)}; each mode was asked " +
            $"\"{Escape(probe.Question)}\" until it answered \"{Escape(probe.ExpectedAnswer)}\", for up to {Seconds(probe.TimeoutSeconds)}.").AppendLine();
        md.AppendLine("| mode | role | gave the new answer | after | last answer |");
        md.AppendLine("|---|---|---|---:|---|");
        foreach (var m in probe.Modes)
            md.AppendLine($"| {m.Mode} | {m.Role.ToString().ToLowerInvariant()} | {(m.PickedUp ? "yes" : m.Error is null ? "no" : "error")} | " +
                $"{(m.Seconds is { } at ? Seconds(at) : ReportNumbers.NotApplicable)} | {Escape((m.Error ?? m.LastAnswer).ReplaceLineEndings(" "))} |");
        md.AppendLine();
    }

    private static string Seconds(double seconds) => seconds.ToString(seconds < 10 ? "0.0#" : "0", CultureInfo.InvariantCulture) + " s";

    private static string Usd(double dollars) => "$" + dollars.ToString(dollars < 10 ? "N2" : "N0", CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("|", "\\|").Replace("*", "\\*");
}
