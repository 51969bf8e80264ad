using RagLab.Core.Evaluation.Sets;

namespace RagLab.Core.Evaluation.Runs;

/// <summary>Aggregates a run's per-question records into per-mode and per-retriever summaries.</summary>
public static class EvalSummarizer
{
    public static EvalRunSummary Summarize(
        EvalRun run,
        IReadOnlyList<EvalItem> items,
        IReadOnlyList<EvalAnswerRecord> answers,
        IReadOnlyList<EvalRetrievalRecord> retrievals,
        IReadOnlyList<string> warnings,
        DateTimeOffset completedAt)
    {
        var modes = new List<ModeSummary>();
        foreach (var mode in run.Request.Modes)
        {
            var role = ModeRoles.Resolve(mode, run.Request.ModeRoles);
            var ofMode = answers.Where(a => string.Equals(a.Mode, mode, StringComparison.OrdinalIgnoreCase)).ToArray();
            // One row per retriever the mode used (a mode without retrieval has one row, retriever null), and no row that merges them:
            // a mode listed twice, once per retriever and once for all, reads as two measurements.
            var groups = ofMode.GroupBy(a => a.Retriever ?? "", StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
            if (groups.Length == 0) modes.Add(SummarizeGroup(mode, null, role, [], run.Request.Prices));
            foreach (var group in groups)
                modes.Add(SummarizeGroup(mode, group.Key.Length == 0 ? null : group.Key, role, group.ToArray(), run.Request.Prices));
        }

        var retrievers = retrievals
            .GroupBy(r => r.Retriever, StringComparer.OrdinalIgnoreCase)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(SummarizeRetriever)
            .ToArray();

        return new EvalRunSummary(
            run.Id, run.SetId,
            Questions: items.Count,
            UnanswerableQuestions: items.Count(i => i.Unanswerable),
            LabelledQuestions: items.Count(i => i.RelevantDocuments.Count > 0),
            modes, retrievers, PublishedFigures.All, warnings, completedAt);
    }

    public static ModeSummary SummarizeGroup(string mode, string? retriever, ModeRole role, IReadOnlyList<EvalAnswerRecord> records, PriceSettings? prices)
    {
        var ok = records.Where(r => r.Error is null).ToArray();
        // Judged: an answer that could be marked right or wrong. A question with neither a reference answer nor an "unanswerable" mark
        // (BEIR) cannot be, even when its retrieval missed: counting those would report 0 % correct for answers nobody could check.
        var judged = ok.Where(r => r.Outcome != EvalOutcome.NotApplicable && (r.Metrics.F1 is not null || r.Metrics.CorrectAbstention is not null)).ToArray();
        var latency = new PhaseLatency(
            ok.Any(r => r.Retriever is not null) ? Percentiles.Stats(ok.Where(r => r.Retriever is not null).Select(r => r.Timings.RetrievalMs)) : null,
            Percentiles.Stats(ok.Where(r => r.Timings.TimeToFirstTokenMs is not null).Select(r => r.Timings.TimeToFirstTokenMs!.Value)),
            Percentiles.Stats(ok.Select(r => r.Timings.GenerationMs)),
            Percentiles.Stats(ok.Select(r => r.Timings.TotalMs)) ?? new LatencyStats(0, 0, 0, 0));
        var inputTokens = ok.Length == 0 ? 0 : ok.Average(r => (double)r.Tokens.InputTokens);
        var outputTokens = ok.Length == 0 ? 0 : ok.Average(r => (double)r.Tokens.OutputTokens);

        return new ModeSummary(
            mode, retriever, role,
            Questions: records.Select(r => r.ItemId).Distinct().Count(),
            Answered: ok.Length,
            Errors: records.Count - ok.Length,
            ExactMatch: Mean(ok, m => m.ExactMatch),
            F1: Mean(ok, m => m.F1),
            RougeL: Mean(ok, m => m.RougeL),
            LexicalGroundedness: Mean(ok, m => m.LexicalGroundedness),
            JudgeGroundedness: Mean(ok, m => m.JudgeGroundedness),
            CitationPrecision: Mean(ok, m => m.CitationPrecision),
            AbstentionAccuracy: Mean(ok, m => m.CorrectAbstention),
            FalseAbstentionRate: Mean(ok, m => m.FalseAbstention),
            Accuracy: judged.Length == 0 ? null : (double)judged.Count(r => r.Outcome is EvalOutcome.Correct or EvalOutcome.AbstainedCorrectly) / judged.Length,
            latency, inputTokens, outputTokens,
            new FailureCounts(
                records.Count(r => r.Outcome == EvalOutcome.Correct),
                records.Count(r => r.Outcome == EvalOutcome.AbstainedCorrectly),
                records.Count(r => r.Outcome == EvalOutcome.RetrievalMiss),
                records.Count(r => r.Outcome == EvalOutcome.GenerationMiss),
                records.Count(r => r.Outcome == EvalOutcome.NotApplicable)),
            CostProjector.Project(prices, mode, latency.Total.Mean, inputTokens, outputTokens),
            Mean(ok.Where(r => r.Details?.Searches is not null).Select(r => (double)r.Details!.Searches!.Value)),
            PrefixCache(ok));
    }

    private static double? Mean(IEnumerable<double> values)
    {
        var array = values.ToArray();
        return array.Length == 0 ? null : array.Average();
    }

    /// <summary>Time to first token, split by whether the answer had to read its prefix; null when no answer says.</summary>
    private static PrefixCacheLatency? PrefixCache(IReadOnlyList<EvalAnswerRecord> ok)
    {
        var prefixed = ok.Where(r => r.Details?.FirstWithPrefix is not null && r.Timings.TimeToFirstTokenMs is not null).ToArray();
        if (prefixed.Length == 0) return null;
        return new PrefixCacheLatency(
            Percentiles.Stats(prefixed.Where(r => r.Details!.FirstWithPrefix == true).Select(r => r.Timings.TimeToFirstTokenMs!.Value)),
            Percentiles.Stats(prefixed.Where(r => r.Details!.FirstWithPrefix == false).Select(r => r.Timings.TimeToFirstTokenMs!.Value)));
    }

    private static RetrieverSummary SummarizeRetriever(IGrouping<string, EvalRetrievalRecord> group)
    {
        var ok = group.Where(r => r.Error is null).ToArray();
        var scores = ok.SelectMany(r => r.Scores)
            .GroupBy(s => s.K)
            .OrderBy(g => g.Key)
            .Select(g => new RetrievalAtK(g.Key, g.Average(s => s.Ndcg), g.Average(s => s.Recall), g.Average(s => s.Precision), g.Average(s => s.ReciprocalRank), g.Average(s => s.HitRate)))
            .ToArray();
        return new RetrieverSummary(group.Key, ok.Length, group.Count() - ok.Length, scores, Percentiles.Stats(ok.Select(r => r.RetrievalMs)));
    }

    private static double? Mean(IEnumerable<EvalAnswerRecord> records, Func<AnswerMetrics, double?> metric)
    {
        var values = records.Select(r => metric(r.Metrics)).Where(v => v is not null).Select(v => v!.Value).ToArray();
        return values.Length == 0 ? null : values.Average();
    }
}
