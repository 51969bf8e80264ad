using RagLab.Contracts;
using CoreJobs = RagLab.Core.Jobs;
using Beir = RagLab.Core.Evaluation.Beir;
using Reports = RagLab.Core.Evaluation.Reports;
using Runs = RagLab.Core.Evaluation.Runs;
using Sets = RagLab.Core.Evaluation.Sets;

namespace RagLab.Infrastructure.ContractMapping;

/// <summary>The evaluation contract to and from Core's eval sets, runs, results, reports and freshness probes.</summary>
public static class EvalContractMappings
{
    public static EvalSetResponse ToContract(this Sets.EvalSet set) =>
        new(set.Id, set.Name, set.Version, set.Collection, set.CreatedAt, set.ItemCount,
            EnumByName.Map<Sets.EvalSetSource, EvalSetSource>(set.Source), set.HeldOutFromTraining);

    public static EvalItemResponse ToContract(this Sets.EvalItem item) =>
        new(item.Id, item.Question, item.Answer, item.RelevantDocuments, item.Tags, item.Unanswerable);

    public static EvalSetDetails ToDetails(this Sets.EvalSet set, IReadOnlyList<Sets.EvalItem> items) =>
        new(set.Id, set.Name, set.Version, set.Collection, set.CreatedAt, set.ItemCount,
            EnumByName.Map<Sets.EvalSetSource, EvalSetSource>(set.Source), set.HeldOutFromTraining, [.. items.Select(ToContract)]);

    public static BeirImportResponse ToContract(this Beir.BeirImportResult result) =>
        new(result.Collection, result.EvalSetId, result.Documents, result.Queries, result.JobId);

    public static Runs.PriceSettings ToDomain(this PriceSettings prices) =>
        new(prices.GpuDollarsPerHour, prices.InputDollarsPerMillionTokens, prices.OutputDollarsPerMillionTokens, prices.TrainingCostDollars);

    public static PriceSettings ToContract(this Runs.PriceSettings prices) =>
        new(prices.GpuDollarsPerHour, prices.InputDollarsPerMillionTokens, prices.OutputDollarsPerMillionTokens, prices.TrainingCostDollars);

    /// <summary>The start request with Core's defaults for what the body leaves out.</summary>
    public static Runs.EvalRunRequest ToDomain(this StartEvalRunRequest body)
    {
        var defaults = new Runs.EvalRunRequest("", []);
        return new Runs.EvalRunRequest(
            body.SetId ?? "", body.Modes ?? [], body.Retrievers,
            body.TopK ?? defaults.TopK, body.Parallelism ?? defaults.Parallelism, body.Judge ?? defaults.Judge,
            body.Prices?.ToDomain(),
            body.ModeRoles?.ToDictionary(p => p.Key, p => EnumByName.Map<ModeRole, Runs.ModeRole>(p.Value)),
            body.CorrectF1Threshold ?? defaults.CorrectF1Threshold);
    }

    public static EvalRunSettings ToContract(this Runs.EvalRunRequest request) =>
        new(request.SetId, request.Modes, request.Retrievers, request.TopK, request.Parallelism, request.Judge,
            request.Prices?.ToContract(),
            request.ModeRoles?.ToDictionary(p => p.Key, p => EnumByName.Map<Runs.ModeRole, ModeRole>(p.Value)),
            request.CorrectF1Threshold);

    public static EvalRunStatus ToContract(this Runs.EvalRunStatus status) => EnumByName.Map<Runs.EvalRunStatus, EvalRunStatus>(status);

    /// <summary>A stored run with its job's progress; a completed run is at 1 whatever its job last said.</summary>
    /// <param name="job">The run's job, when it has one and the job is still stored.</param>
    public static EvalRunResponse ToContract(this Runs.EvalRun run, CoreJobs.JobRecord? job) =>
        new(run.Id, run.SetId, run.Status.ToContract(), run.Status == Runs.EvalRunStatus.Completed ? 1 : job?.Progress ?? 0,
            job?.Message, run.Error ?? job?.Error, run.JobId, run.CreatedAt, run.UpdatedAt, run.Request.ToContract(), run.Summary?.ToContract(),
            run.Request.Scope.Key);

    private static LatencyStats? ToContract(this Runs.LatencyStats? stats) =>
        stats is null ? null : new(stats.P50, stats.P95, stats.Mean, stats.Samples);

    private static RetrievalAtK ToContract(this Runs.RetrievalAtK score) =>
        new(score.K, score.Ndcg, score.Recall, score.Precision, score.ReciprocalRank, score.HitRate);

    private static ModeSummary ToContract(this Runs.ModeSummary mode) =>
        new(mode.Mode, mode.Retriever, EnumByName.Map<Runs.ModeRole, ModeRole>(mode.Role), mode.Questions, mode.Answered, mode.Errors,
            mode.ExactMatch, mode.F1, mode.RougeL, mode.LexicalGroundedness, mode.JudgeGroundedness, mode.CitationPrecision,
            mode.AbstentionAccuracy, mode.FalseAbstentionRate, mode.Accuracy,
            new PhaseLatency(mode.Latency.Retrieval.ToContract(), mode.Latency.TimeToFirstToken.ToContract(), mode.Latency.Generation.ToContract(), mode.Latency.Total.ToContract()!),
            mode.InputTokensPerQuery, mode.OutputTokensPerQuery,
            new FailureCounts(mode.Failures.Correct, mode.Failures.AbstainedCorrectly, mode.Failures.RetrievalMiss, mode.Failures.GenerationMiss, mode.Failures.NotApplicable),
            mode.Cost is not { } cost ? null
                : new CostProjection(cost.Basis, cost.DollarsPerQuery, [.. cost.Monthly.Select(m => new MonthlyCost(m.QueriesPerMonth, m.Dollars))],
                    cost.OneOffTrainingDollars, cost.GpuAlwaysOnMonthlyDollars),
            mode.SearchesPerAnswer,
            mode.PrefixCache is { } prefix ? new PrefixCacheLatency(prefix.First.ToContract(), prefix.Following.ToContract()) : null);

    public static EvalRunSummary ToContract(this Runs.EvalRunSummary summary) =>
        new(summary.RunId, summary.SetId, summary.Questions, summary.UnanswerableQuestions, summary.LabelledQuestions,
            [.. summary.Modes.Select(ToContract)],
            [.. summary.Retrievers.Select(r => new RetrieverSummary(r.Retriever, r.Questions, r.Errors, [.. r.Scores.Select(ToContract)], r.Latency.ToContract()))],
            [.. summary.PublishedFigures.Select(f => new PublishedFigure(f.Key, f.Wording, f.Figure, f.Low, f.High, f.Unit, f.Source))],
            summary.Warnings, summary.CompletedAt, summary.ReaderScope, summary.RelevantDocumentsOutsideView, summary.QuestionsOutsideView,
            summary.Freshness is { } probe
                ? new RunFreshness(probe.JobId, probe.Question, probe.ExpectedAnswer, probe.DocumentName, probe.IndexedAfterSeconds, probe.TimeoutSeconds,
                    [.. probe.Modes.Select(m => new ModeFreshness(m.Mode, EnumByName.Map<Runs.ModeRole, ModeRole>(m.Role), m.PickedUp, m.Seconds, m.LastAnswer, m.Error))])
                : null);

    public static EvalAnswerResult ToContract(this Runs.EvalAnswerRecord answer) =>
        new(answer.ItemId, answer.Question, answer.Mode, answer.Retriever, answer.Answer, answer.Model,
            [.. answer.Citations.Select(c => new AskCitation(c.ChunkId, c.DocumentId, c.DocumentName, c.Quote))],
            answer.RetrievedChunkIds, answer.RetrievedDocumentIds,
            new AnswerMetrics(answer.Metrics.ExactMatch, answer.Metrics.F1, answer.Metrics.RougeL, answer.Metrics.LexicalGroundedness,
                answer.Metrics.JudgeGroundedness, answer.Metrics.CitationPrecision, answer.Metrics.Abstained,
                answer.Metrics.CorrectAbstention, answer.Metrics.FalseAbstention),
            new RecordTimings(answer.Timings.RetrievalMs, answer.Timings.TimeToFirstTokenMs, answer.Timings.GenerationMs, answer.Timings.TotalMs),
            new AskUsage(answer.Tokens.InputTokens, answer.Tokens.OutputTokens),
            answer.Outcome, answer.Error,
            answer.Details is { } d ? new AskDetails(d.Searches, d.SearchQueries, d.PrefixTokens, d.FirstWithPrefix) : null);

    public static EvalRetrievalResult ToContract(this Runs.EvalRetrievalRecord retrieval) =>
        new(retrieval.ItemId, retrieval.Retriever, retrieval.RankedDocumentIds, [.. retrieval.Scores.Select(ToContract)], retrieval.RetrievalMs, retrieval.Error);

    public static Reports.Questionnaire ToDomain(this Questionnaire questionnaire) =>
        new(EnumByName.Map<KnowledgeChangeFrequency, Reports.KnowledgeChangeFrequency>(questionnaire.KnowledgeChanges), questionnaire.CitationsRequired,
            questionnaire.LatencyBudgetMs, questionnaire.MonthlyQueries, questionnaire.TrainingBudgetDollars, questionnaire.LabelledExamples,
            EnumByName.Map<MlExperience, Reports.MlExperience>(questionnaire.TeamMlExperience), questionnaire.MustRunOffline);

    private static Questionnaire ToContract(this Reports.Questionnaire questionnaire) =>
        new(EnumByName.Map<Reports.KnowledgeChangeFrequency, KnowledgeChangeFrequency>(questionnaire.KnowledgeChanges), questionnaire.CitationsRequired,
            questionnaire.LatencyBudgetMs, questionnaire.MonthlyQueries, questionnaire.TrainingBudgetDollars, questionnaire.LabelledExamples,
            EnumByName.Map<Reports.MlExperience, MlExperience>(questionnaire.TeamMlExperience), questionnaire.MustRunOffline);

    public static DecisionReport ToContract(this Reports.DecisionReport report) =>
        new(EnumByName.Map<Reports.Recommendation, Recommendation>(report.Recommendation),
            EnumByName.Map<Reports.Confidence, Confidence>(report.Confidence),
            [.. report.Reasons.Select(r => new DecisionReason(r.Text, r.Evidence))],
            [.. report.Warnings.Select(w => new EvidenceWarning(w.Problem, w.NextStep))],
            [.. report.RuledOut.Select(EnumByName.Map<Reports.Recommendation, Recommendation>)],
            report.Questionnaire.ToContract(),
            report.Summary.ToContract(),
            new DecisionThresholds(report.Thresholds.HelpsPoints, report.Thresholds.FineTuningOverRagPoints, report.Thresholds.HybridTolerancePoints,
                report.Thresholds.MinQuestions, report.Thresholds.MinLabelledExamples));

    public static Runs.FreshnessProbeRequest ToDomain(this FreshnessProbeRequest request) =>
        new(request.Collection, request.Question, request.ExpectedAnswer, request.DocumentName, request.DocumentText,
            request.Modes, request.Timeout, request.PollInterval, RunId: string.IsNullOrWhiteSpace(request.RunId) ? null : request.RunId.Trim());

    public static FreshnessReport ToContract(this Runs.FreshnessReport report) =>
        new(report.DocumentId, report.IndexedAfterSeconds,
            [.. report.Modes.Select(m => new FreshnessResult(m.Mode, m.PickedUp, m.Seconds, m.LastAnswer, m.Error))]);
}
