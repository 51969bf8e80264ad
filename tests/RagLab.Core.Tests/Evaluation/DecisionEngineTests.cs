using RagLab.Core.Evaluation.Reports;
using RagLab.Core.Evaluation.Runs;

namespace RagLab.Core.Tests.Evaluation;

public sealed class DecisionEngineTests
{
    private static ModeSummary Mode(string name, ModeRole role, double accuracy, string? retriever = null, double totalP95 = 800) =>
        new(name, retriever, role, 100, 100, 0, null, accuracy, null, null, null, null, null, null, accuracy,
            new PhaseLatency(null, null, null, new LatencyStats(totalP95 / 2, totalP95, totalP95 / 2, 100)), 300, 30,
            new FailureCounts((int)(accuracy * 100), 0, 0, 100 - (int)(accuracy * 100), 0),
            new CostProjection("gpu-hour", 0.001, [new MonthlyCost(1_000_000, 1000)], null, 730));

    private static EvalRunSummary Summary(int questions = 100, params ModeSummary[] modes) =>
        new("run", "set", questions, 0, questions, modes, [], PublishedFigures.All, [], DateTimeOffset.UnixEpoch);

    private static readonly Questionnaire CanTrain = new(KnowledgeChanges: KnowledgeChangeFrequency.Yearly, TrainingBudgetDollars: 500, LabelledExamples: 1000);

    [Fact]
    public void Rag_is_recommended_when_it_beats_base_by_the_threshold()
    {
        var report = DecisionEngine.Decide(Summary(100, Mode("base", ModeRole.Base, 0.40), Mode("rag", ModeRole.Rag, 0.75, "bm25")), new Questionnaire());
        Assert.Equal(Recommendation.Rag, report.Recommendation);
        Assert.Contains(report.Reasons, r => r.Evidence.Contains("rag/bm25 75.0% correct") && r.Evidence.Contains("+35.0 points"));
    }

    [Fact]
    public void Numbers_change_the_recommendation_small_gain_means_prompting_only()
    {
        var report = DecisionEngine.Decide(Summary(100, Mode("base", ModeRole.Base, 0.70), Mode("rag", ModeRole.Rag, 0.75, "bm25")), new Questionnaire());
        Assert.Equal(Recommendation.PromptingOnly, report.Recommendation);
    }

    [Fact]
    public void Questionnaire_changes_the_recommendation_citations_force_retrieval()
    {
        var summary = Summary(100, Mode("base", ModeRole.Base, 0.70), Mode("rag", ModeRole.Rag, 0.75, "bm25"));
        var report = DecisionEngine.Decide(summary, new Questionnaire(CitationsRequired: true));
        Assert.Equal(Recommendation.Rag, report.Recommendation);
        Assert.Contains(Recommendation.PromptingOnly, report.RuledOut);
        Assert.Contains(report.Reasons, r => r.Evidence.StartsWith("questionnaire: citations required", StringComparison.Ordinal));
    }

    [Fact]
    public void Fine_tuning_wins_on_stable_knowledge_and_loses_when_knowledge_changes_weekly()
    {
        var summary = Summary(100, Mode("base", ModeRole.Base, 0.40), Mode("rag", ModeRole.Rag, 0.60, "bm25"), Mode("ft", ModeRole.FineTuned, 0.80));
        Assert.Equal(Recommendation.FineTuning, DecisionEngine.Decide(summary, CanTrain).Recommendation);

        var weekly = DecisionEngine.Decide(summary, CanTrain with { KnowledgeChanges = KnowledgeChangeFrequency.Weekly });
        Assert.NotEqual(Recommendation.FineTuning, weekly.Recommendation);
        Assert.Contains(Recommendation.FineTuning, weekly.RuledOut);
        // The constraint comes from the questionnaire, and the reason also cites what the run measured of fine-tuning.
        Assert.Contains(weekly.Reasons, r => r.Evidence.StartsWith("questionnaire: knowledge changes weekly; measured: ft 80.0% correct (100 questions); freshness not measured (POST /api/evalruns/freshness", StringComparison.Ordinal));
    }

    [Fact]
    public void No_ml_experience_doubles_the_margin_fine_tuning_needs_over_rag()
    {
        // Fine-tuned beats RAG by 7 points: enough (≥ 5) for an experienced team; without ML experience it needs 10,
        // so with both helping the inferred combination is recommended instead of fine-tuning alone.
        var summary = Summary(100, Mode("base", ModeRole.Base, 0.40), Mode("rag", ModeRole.Rag, 0.60, "bm25"), Mode("ft", ModeRole.FineTuned, 0.67));
        Assert.Equal(Recommendation.FineTuning, DecisionEngine.Decide(summary, CanTrain).Recommendation);
        var novice = DecisionEngine.Decide(summary, CanTrain with { TeamMlExperience = MlExperience.None });
        Assert.Equal(Recommendation.Hybrid, novice.Recommendation);
        Assert.Contains(novice.Warnings, w => w.Problem.Contains("combination itself was not measured"));
    }

    [Fact]
    public void Hybrid_when_both_help_and_budget_allows_training()
    {
        var summary = Summary(100, Mode("base", ModeRole.Base, 0.30), Mode("rag", ModeRole.Rag, 0.70, "hybrid"), Mode("ft", ModeRole.FineTuned, 0.65), Mode("ft-rag", ModeRole.Hybrid, 0.85, "hybrid"));
        var report = DecisionEngine.Decide(summary, CanTrain);
        Assert.Equal(Recommendation.Hybrid, report.Recommendation);
        Assert.Equal(Confidence.High, report.Confidence);

        var noBudget = DecisionEngine.Decide(summary, CanTrain with { TrainingBudgetDollars = 0 });
        Assert.Equal(Recommendation.Rag, noBudget.Recommendation);
    }

    [Fact]
    public void Thin_evidence_is_flagged_with_what_to_run_next()
    {
        var report = DecisionEngine.Decide(Summary(12, Mode("base", ModeRole.Base, 0.3), Mode("rag", ModeRole.Rag, 0.9, "bm25", totalP95: 800)), new Questionnaire(LatencyBudgetMs: 500));
        Assert.Equal(Recommendation.Rag, report.Recommendation);
        Assert.Equal(Confidence.Low, report.Confidence);
        Assert.Contains(report.Warnings, w => w.Problem.Contains("Only 12 questions"));
        Assert.Contains(report.Warnings, w => w.Problem.Contains("No fine-tuned model"));
        Assert.Contains(report.Warnings, w => w.Problem.Contains("over the 500 ms budget"));
        Assert.Contains(report.Reasons, r => r.Evidence.Contains("p95 800 ms vs budget 500 ms"));

        var noBase = DecisionEngine.Decide(Summary(100, Mode("rag", ModeRole.Rag, 0.9, "bm25")), new Questionnaire());
        Assert.Equal(Confidence.Low, noBase.Confidence);
        Assert.Contains(noBase.Warnings, w => w.Problem.Contains("base model") && w.NextStep.Contains("\"base\""));
    }

    [Fact]
    public void Mode_roles_follow_naming_conventions()
    {
        Assert.Equal(ModeRole.Base, ModeRoles.Infer("base"));
        Assert.Equal(ModeRole.Rag, ModeRoles.Infer("rag"));
        Assert.Equal(ModeRole.FineTuned, ModeRoles.Infer("ft-llama3"));
        Assert.Equal(ModeRole.Hybrid, ModeRoles.Infer("ft-llama3+rag"));
        Assert.Equal(ModeRole.Other, ModeRoles.Infer("fancy"));
        Assert.Equal(ModeRole.FineTuned, ModeRoles.Resolve("fancy", new Dictionary<string, ModeRole> { ["fancy"] = ModeRole.FineTuned }));
    }

    [Fact]
    public void Exports_markdown_tables_and_json_that_round_trips()
    {
        var report = DecisionEngine.Decide(Summary(100, Mode("base", ModeRole.Base, 0.40), Mode("rag", ModeRole.Rag, 0.75, "bm25")), new Questionnaire(MonthlyQueries: 1_000_000));
        var markdown = DecisionReportExport.ToMarkdown(report);
        Assert.Contains("**Recommendation: RAG**", markdown);
        Assert.Contains("| rag | bm25 | 100 | 75.0% |", markdown);
        Assert.Contains("$3,700/month at 1M queries", markdown);
        Assert.Contains("$1,000/month", markdown); // 0.001 $/query × 1M, in the cost reason

        var json = DecisionReportExport.ToJson(report);
        Assert.Contains("\"recommendation\": \"Rag\"", json);
        var back = DecisionReportExport.FromJson(json)!;
        Assert.Equal(report.Recommendation, back.Recommendation);
        Assert.Equal(report.Reasons.Count, back.Reasons.Count);
    }

    [Fact]
    public void Cost_projection_from_gpu_hour_or_tokens()
    {
        var gpu = CostProjector.Project(new PriceSettings(GpuDollarsPerHour: 3.6), "rag", meanTotalMs: 1000, 0, 0)!;
        Assert.Equal(0.001, gpu.DollarsPerQuery, 12);
        Assert.Equal([10.0, 100.0, 1000.0], gpu.Monthly.Select(m => Math.Round(m.Dollars, 6)));
        var tokens = CostProjector.Project(new PriceSettings(InputDollarsPerMillionTokens: 2, OutputDollarsPerMillionTokens: 10, TrainingCostDollars: new Dictionary<string, double> { ["rag"] = 50 }), "rag", 1000, 1000, 100)!;
        Assert.Equal(0.003, tokens.DollarsPerQuery, 12);
        Assert.Equal(50, tokens.OneOffTrainingDollars);
        Assert.Null(CostProjector.Project(new PriceSettings(), "rag", 1000, 1, 1));
    }

    [Fact]
    public void Percentiles_interpolate_between_ranks()
    {
        var stats = Percentiles.Stats([40, 10, 30, 20])!;
        Assert.Equal(25, stats.P50);
        Assert.Equal(38.5, stats.P95, 10);
        Assert.Null(Percentiles.Stats([]));
    }
}
