using RagLab.Core.Evaluation.Reports;
using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Evaluation;

/// <summary>
/// The decision uses the measurement, and only the measurement: a report built from a run must never conclude from a column that
/// does not exist, print a metric it could not compute as 0, list a mode twice, or round a sub-millisecond latency to 0 ms.
/// </summary>
public sealed class DecisionReportEvidenceTests
{
    private const string SetId = "set-scifact";

    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>BEIR-style items: relevance labels, no reference answers.</summary>
    private static readonly EvalItem[] BeirItems = [.. Enumerable.Range(1, 40).Select(i => new EvalItem($"q{i}", $"Claim {i} about proteins", null, [$"doc{i}"], []))];

    private static EvalRun Run(params string[] modes) =>
        new("run-1", SetId, new EvalRunRequest(SetId, modes, ["bm25"]), EvalRunStatus.Completed, Now, Now);

    /// <summary>An answer record as the runner writes it for an item without a reference answer: F1 and EM not computable.</summary>
    private static EvalAnswerRecord UnscoredRagAnswer(EvalItem item, bool relevantRetrieved, string retriever = "bm25", double retrievalMs = 0.42) =>
        new(item.Id, item.Question, "rag", retriever, "Extractive sentences [1].", "extractive", [], ["chunk"], [relevantRetrieved ? item.RelevantDocuments[0] : "other"],
            new AnswerMetrics(null, null, null, 0.9, null, relevantRetrieved ? 1.0 : 0.0, false, null, 0.0),
            new RecordTimings(retrievalMs, null, 0, retrievalMs + 0.2), new TokenUsage(0, 0),
            OutcomeClassifier.Classify(item, relevantRetrieved, abstained: false, f1: null, 0.5, failed: false));

    private static EvalRetrievalRecord Retrieval(EvalItem item, bool hit) =>
        new(item.Id, "bm25", [hit ? item.RelevantDocuments[0] : "other"], [new RetrievalAtK(10, hit ? 1 : 0, hit ? 1 : 0, hit ? 0.1 : 0, hit ? 1 : 0, hit ? 1 : 0)], 0.42);

    /// <summary>The run the issue describes: SciFact, BM25, the rag mode only, no model (extractive answers).</summary>
    private static EvalRunSummary SciFactRagOnly() =>
        EvalSummarizer.Summarize(Run("rag"), BeirItems,
            [.. BeirItems.Select((item, i) => UnscoredRagAnswer(item, relevantRetrieved: i % 4 != 0))],
            [.. BeirItems.Select((item, i) => Retrieval(item, hit: i % 4 != 0))],
            [], Now);

    [Fact]
    public void A_rag_only_run_without_base_says_the_evidence_is_insufficient_and_names_the_run_that_would_settle_it()
    {
        var report = DecisionEngine.Decide(SciFactRagOnly(), new Questionnaire());

        Assert.Equal(Recommendation.InsufficientEvidence, report.Recommendation);
        Assert.Equal(Confidence.Low, report.Confidence);
        Assert.DoesNotContain(report.Reasons, r => r.Text.Contains("measurably helps", StringComparison.Ordinal));
        var insufficient = Assert.Single(report.Reasons, r => r.Text.StartsWith("The evidence is insufficient", StringComparison.Ordinal));
        Assert.Contains("the base model", insufficient.Text);
        Assert.Contains("answered but not scorable (no reference answers): rag/bm25", insufficient.Evidence);
        var noBase = Assert.Single(report.Warnings, w => w.Problem.Contains("base model", StringComparison.Ordinal));
        Assert.Contains($"raglab eval run {SetId} --modes base", noBase.NextStep);
        Assert.Contains(report.Warnings, w => w.Problem.StartsWith("No answer could be scored", StringComparison.Ordinal) && w.NextStep.Contains("\"answer\""));

        var markdown = DecisionReportExport.ToMarkdown(report);
        Assert.Contains("**Recommendation: insufficient evidence", markdown);
        Assert.DoesNotContain("prompting only", markdown.Split("## Reasons")[0]);
    }

    [Fact]
    public void When_the_questionnaire_leaves_only_rag_it_is_recommended_without_claiming_a_measured_gain()
    {
        var report = DecisionEngine.Decide(SciFactRagOnly(), new Questionnaire(CitationsRequired: true));

        Assert.Equal(Recommendation.Rag, report.Recommendation);
        var reason = Assert.Single(report.Reasons, r => r.Text.StartsWith("Retrieval is required by the constraints", StringComparison.Ordinal));
        Assert.Contains("how much it helps was not measured", reason.Text);
        Assert.DoesNotContain(report.Reasons, r => r.Text.Contains("did not measurably improve", StringComparison.Ordinal));
        Assert.Equal(Confidence.Low, report.Confidence);
    }

    [Fact]
    public void Metrics_that_cannot_be_computed_are_shown_as_not_applicable_never_as_zero_and_no_reason_rests_on_them()
    {
        var summary = SciFactRagOnly();
        var rag = Assert.Single(summary.Modes);

        // 10 of 40 retrievals missed, but with no reference answer nothing was judged right or wrong.
        Assert.Equal(10, rag.Failures.RetrievalMiss);
        Assert.Null(rag.Accuracy);
        Assert.Null(rag.F1);
        Assert.Null(rag.ExactMatch);

        var report = DecisionEngine.Decide(summary, new Questionnaire());
        Assert.DoesNotContain(report.Reasons, r => r.Text.Contains("errors start in retrieval", StringComparison.Ordinal));
        Assert.Contains(report.Reasons, r => r.Text.StartsWith("Retrieval quality is measured", StringComparison.Ordinal) && r.Evidence.StartsWith("bm25 nDCG@10 0.750", StringComparison.Ordinal));

        var markdown = DecisionReportExport.ToMarkdown(report);
        var row = Assert.Single(markdown.Split('\n'), line => line.StartsWith("| rag | bm25 | 40 |", StringComparison.Ordinal));
        Assert.StartsWith("| rag | bm25 | 40 | n/a | n/a | n/a | n/a | 90.0% |", row);
        Assert.EndsWith("| 10 | n/a | 0 |", row.TrimEnd()); // retrieval misses are measured; generation misses are not
        Assert.DoesNotContain("| 0.0% |", row);
    }

    [Fact]
    public void A_mode_is_listed_once_per_retriever_it_used_and_never_again_without_one()
    {
        var items = BeirItems.Take(4).Select(i => i with { Answer = "proteins" }).ToArray();
        var answers = items.SelectMany(item => new[]
        {
            UnscoredRagAnswer(item, true, "bm25") with { Metrics = new AnswerMetrics(1, 1, 1, 0.9, null, 1, false, null, 0), Outcome = EvalOutcome.Correct },
            UnscoredRagAnswer(item, true, "hybrid") with { Metrics = new AnswerMetrics(0, 0, 0, 0.9, null, 1, false, null, 0), Outcome = EvalOutcome.GenerationMiss },
            UnscoredRagAnswer(item, false) with { Mode = "base", Retriever = null, Metrics = new AnswerMetrics(0, 0.2, 0.2, null, null, null, false, null, 0), Outcome = EvalOutcome.GenerationMiss },
        }).ToArray();
        var run = new EvalRun("run-2", SetId, new EvalRunRequest(SetId, ["rag", "base"], ["bm25", "hybrid"]), EvalRunStatus.Completed, Now, Now);

        var summary = EvalSummarizer.Summarize(run, items, answers, [], [], Now);

        Assert.Equal([("rag", "bm25"), ("rag", "hybrid"), ("base", null)], summary.Modes.Select(m => (m.Mode, m.Retriever)));
        Assert.Equal([1.0, 0.0], summary.Modes.Where(m => m.Mode == "rag").Select(m => m.Accuracy!.Value));
        var markdown = DecisionReportExport.ToMarkdown(DecisionEngine.Decide(summary, new Questionnaire()));
        var qualityTable = markdown.Split("## Answer quality")[1].Split("## Latency")[0];
        Assert.Equal(2, qualityTable.Split('\n').Count(l => l.StartsWith("| rag |", StringComparison.Ordinal)));
        Assert.Contains("| base | none |", qualityTable);
        Assert.DoesNotContain("| rag | none |", markdown);
        Assert.DoesNotContain("| rag | — |", markdown);
    }

    [Theory]
    [InlineData(0.4237, "0.42")]
    [InlineData(0.0583, "0.058")]
    [InlineData(3.14159, "3.1")]
    [InlineData(45.6, "46")]
    [InlineData(812.3, "812")]
    [InlineData(0, "0")]
    public void Latencies_print_to_two_significant_figures_below_100_ms(double milliseconds, string expected) =>
        Assert.Equal(expected, ReportNumbers.Ms(milliseconds));

    [Fact]
    public void Sub_millisecond_retrieval_prints_to_two_significant_figures_beside_the_published_50_to_300_ms()
    {
        var markdown = DecisionReportExport.ToMarkdown(DecisionEngine.Decide(SciFactRagOnly(), new Questionnaire()));

        Assert.Contains("| rag | bm25 | 0.42/0.42 |", markdown);
        Assert.Contains("| 50–300 ms | retrieval p50 0.42 ms, p95 0.42 ms |", markdown);
        Assert.DoesNotContain("p50 0 ms", markdown);
    }

    private static ModeSummary Mode(string name, ModeRole role, double? accuracy, string? retriever = null, double dollarsPerQuery = 0.001, double? training = null) =>
        new(name, retriever, role, 100, 100, 0, null, accuracy, null, role is ModeRole.Rag or ModeRole.Hybrid ? 0.85 : null, null, null, null, null, accuracy,
            new PhaseLatency(retriever is null ? null : new LatencyStats(0.4, 0.9, 0.5, 100), new LatencyStats(300, 500, 320, 100), new LatencyStats(600, 900, 650, 100), new LatencyStats(640, 950, 700, 100)),
            300, 30, new FailureCounts((int)((accuracy ?? 0) * 100), 0, 0, 100 - (int)((accuracy ?? 0) * 100), 0),
            new CostProjection("gpu-hour", dollarsPerQuery, [new MonthlyCost(1_000_000, dollarsPerQuery * 1_000_000)], training, 730));

    private static EvalRunSummary Summary(params ModeSummary[] modes) => new("run", SetId, 100, 0, 100, modes, [], PublishedFigures.All, [], Now);

    private static readonly Questionnaire CanTrain = new(KnowledgeChanges: KnowledgeChangeFrequency.Yearly, TrainingBudgetDollars: 500, LabelledExamples: 1000);

    [Fact]
    public void Fine_tuning_and_hybrid_reasons_cite_the_measured_columns_accuracy_groundedness_and_cost()
    {
        var summary = Summary(Mode("base", ModeRole.Base, 0.40), Mode("rag", ModeRole.Rag, 0.60, "bm25"),
            Mode("finetuned", ModeRole.FineTuned, 0.80, dollarsPerQuery: 0.0008, training: 50), Mode("hybrid", ModeRole.Hybrid, 0.84, "bm25", 0.0011, 50));

        var report = DecisionEngine.Decide(summary, CanTrain);

        Assert.Equal(Recommendation.Hybrid, report.Recommendation);
        Assert.Contains(report.Reasons, r => r.Evidence == "finetuned 80.0% correct (100 questions) vs base 40.0% correct (100 questions): +40.0 points (threshold 10)");
        Assert.Contains(report.Reasons, r => r.Evidence == "finetuned 80.0% correct (100 questions) vs rag/bm25 60.0% correct (100 questions): +20.0 points");
        Assert.Contains(report.Reasons, r => r.Evidence == "hybrid/bm25 groundedness 85.0% (lexical)");
        Assert.Contains(report.Reasons, r => r.Evidence == "finetuned $0.0008/query (gpu-hour) vs rag/bm25 $0.001/query; training $50 one-off");

        // A constraint that rules fine-tuning out still says what the run measured of it.
        var weekly = DecisionEngine.Decide(summary, CanTrain with { KnowledgeChanges = KnowledgeChangeFrequency.Weekly });
        Assert.Contains(weekly.Reasons, r => r.Text.StartsWith("Fine-tuning alone is ruled out", StringComparison.Ordinal)
            && r.Evidence.Contains("measured: finetuned 80.0% correct (100 questions), hybrid/bm25 84.0% correct (100 questions); freshness not measured", StringComparison.Ordinal));
    }

    /// <summary>A probe after a price change: rag gave the new price after 1.2 s; the fine-tuned model kept the old one for the probe's 5 s.</summary>
    private static RunFreshness PriceProbe() => new("job-fresh", "How much is the Pro plan?", "49 dollars", "pricing.md", 0.4, 5,
        [new ModeFreshness("rag", ModeRole.Rag, true, 1.2, "49 dollars [1]."), new ModeFreshness("finetuned", ModeRole.FineTuned, false, null, "39 dollars.")]);

    /// <summary>Fine-tuning beats RAG on these questions, on knowledge stable enough to train on.</summary>
    private static EvalRunSummary TunedBeatsRag() =>
        Summary(Mode("base", ModeRole.Base, 0.40), Mode("rag", ModeRole.Rag, 0.55, "bm25"), Mode("finetuned", ModeRole.FineTuned, 0.85));

    [Fact]
    public void Fine_tuning_versus_rag_cites_the_measured_freshness_when_the_probe_ran()
    {
        var report = DecisionEngine.Decide(TunedBeatsRag() with { Freshness = PriceProbe() }, CanTrain);

        Assert.Equal(Recommendation.FineTuning, report.Recommendation);
        var freshness = Assert.Single(report.Reasons, r => r.Text.StartsWith("Measured freshness", StringComparison.Ordinal));
        Assert.Equal("Measured freshness: retrieval answers the updated fact right after re-ingest; the fine-tuned model cannot without retraining.", freshness.Text);
        Assert.Contains("freshness probe (job job-fresh) after pricing.md changed (re-indexed in 0.4 s)", freshness.Evidence);
        Assert.Contains("rag gave the new answer 1.2 s after the change", freshness.Evidence);
        Assert.Contains("finetuned still answered \"39 dollars.\" 5.0 s after the change", freshness.Evidence);
        // The fine-tuning pick itself rests on the probe too, and nothing says freshness is missing.
        Assert.Contains(report.Reasons, r => r.Text.StartsWith("The fine-tuned model beats RAG", StringComparison.Ordinal) && r.Evidence.Contains("rag gave the new answer 1.2 s"));
        Assert.DoesNotContain(report.Warnings, w => w.Problem.StartsWith("Freshness was not measured", StringComparison.Ordinal));

        // Knowledge that changes weekly rules fine-tuning out, citing the same measurement.
        var weekly = DecisionEngine.Decide(TunedBeatsRag() with { Freshness = PriceProbe() }, CanTrain with { KnowledgeChanges = KnowledgeChangeFrequency.Weekly });
        Assert.Contains(Recommendation.FineTuning, weekly.RuledOut);
        Assert.Contains(weekly.Reasons, r => r.Text.StartsWith("Fine-tuning alone is ruled out", StringComparison.Ordinal) && r.Evidence.Contains("finetuned still answered \"39 dollars.\""));

        var markdown = DecisionReportExport.ToMarkdown(report);
        var section = markdown.Split("## Freshness: after a document changed")[1];
        Assert.Contains("| rag | rag | yes | 1.2 s | 49 dollars [1]. |", section);
        Assert.Contains("| finetuned | finetuned | no | n/a | 39 dollars. |", section);
    }

    [Fact]
    public void Without_a_freshness_probe_a_fine_tuning_pick_says_it_rests_on_the_questionnaire_and_what_to_run()
    {
        var report = DecisionEngine.Decide(TunedBeatsRag(), CanTrain);

        Assert.Equal(Recommendation.FineTuning, report.Recommendation);
        Assert.DoesNotContain(report.Reasons, r => r.Text.StartsWith("Measured freshness", StringComparison.Ordinal));
        var warning = Assert.Single(report.Warnings, w => w.Problem.StartsWith("Freshness was not measured", StringComparison.Ordinal));
        Assert.Contains("POST /api/evalruns/freshness {\"runId\": \"run\"", warning.NextStep);
        Assert.Contains(report.Reasons, r => r.Text.StartsWith("The fine-tuned model beats RAG", StringComparison.Ordinal) && r.Evidence.Contains("freshness not measured"));
        Assert.Contains("Not measured for this run. Change a document of the collection and probe this run's modes: POST /api/evalruns/freshness",
            DecisionReportExport.ToMarkdown(report).Split("## Freshness: after a document changed")[1]);
    }

    [Fact]
    public void Without_a_fine_tuned_column_the_report_says_so_and_what_to_run()
    {
        var report = DecisionEngine.Decide(Summary(Mode("base", ModeRole.Base, 0.40), Mode("rag", ModeRole.Rag, 0.80, "bm25")), CanTrain);

        Assert.Equal(Recommendation.Rag, report.Recommendation); // rests on the rag and base columns, which exist
        var warning = Assert.Single(report.Warnings, w => w.Problem.StartsWith("No fine-tuned model was measured", StringComparison.Ordinal));
        Assert.Contains("no finetuned column", warning.Problem);
        Assert.Contains("POST /api/finetunes", warning.NextStep);
        Assert.Contains($"--modes base,rag,finetuned,hybrid", warning.NextStep);

        var ruledOut = DecisionEngine.Decide(Summary(Mode("base", ModeRole.Base, 0.40), Mode("rag", ModeRole.Rag, 0.80, "bm25")), new Questionnaire());
        Assert.Contains(ruledOut.Reasons, r => r.Text.StartsWith("Fine-tuning (alone or with RAG) is ruled out", StringComparison.Ordinal) && r.Evidence.EndsWith("no fine-tuned column in this run", StringComparison.Ordinal));
    }

    [Fact]
    public void Nothing_helping_is_concluded_only_when_every_option_still_allowed_was_measured()
    {
        var neitherHelps = Summary(Mode("base", ModeRole.Base, 0.50), Mode("prompt", ModeRole.Prompt, 0.55), Mode("rag", ModeRole.Rag, 0.52, "bm25"));

        // Fine-tuning ruled out by the questionnaire: base, prompt and rag settle it, and the prompted column is the evidence.
        var settled = DecisionEngine.Decide(neitherHelps, new Questionnaire());
        Assert.Equal(Recommendation.PromptingOnly, settled.Recommendation);
        Assert.Contains(settled.Reasons, r => r.Text.StartsWith("Neither retrieval nor fine-tuning", StringComparison.Ordinal) && r.Evidence.StartsWith("prompt 55.0% correct", StringComparison.Ordinal));
        Assert.Contains(settled.Reasons, r => r.Evidence == "prompt 55.0% correct (100 questions) vs base 50.0% correct (100 questions): +5.0 points");

        // Fine-tuning allowed but not measured: no conclusion about it.
        var unsettled = DecisionEngine.Decide(neitherHelps, CanTrain);
        Assert.Equal(Recommendation.InsufficientEvidence, unsettled.Recommendation);
        Assert.Contains(unsettled.Reasons, r => r.Text.Contains("a fine-tuned model was not measured", StringComparison.Ordinal));
    }

    [Fact]
    public void Long_context_first_question_and_following_and_the_agents_searches_are_reported()
    {
        var longContext = Mode("longcontext", ModeRole.LongContext, 0.70) with
        {
            PrefixCache = new PrefixCacheLatency(new LatencyStats(900, 900, 900, 1), new LatencyStats(120, 150, 125, 4)),
        };
        var agent = Mode("agent", ModeRole.Agent, 0.75, "bm25") with { SearchesPerAnswer = 1.5 };
        var report = DecisionEngine.Decide(Summary(Mode("base", ModeRole.Base, 0.40), Mode("rag", ModeRole.Rag, 0.80, "bm25"), longContext, agent), new Questionnaire());

        Assert.Contains(report.Reasons, r => r.Evidence == "longcontext time to first token: first question 900 ms, following p50 120 ms (4 questions)");
        Assert.Contains(report.Reasons, r => r.Evidence == "longcontext 70.0% correct (100 questions) vs rag/bm25 80.0% correct (100 questions): -10.0 points");
        Assert.Contains(report.Reasons, r => r.Evidence == "agent/bm25 75.0% correct (100 questions), 1.5 searches per answer vs rag/bm25 80.0% correct (100 questions): -5.0 points");
        var markdown = DecisionReportExport.ToMarkdown(report);
        Assert.Contains("| longcontext | 900 (1) | 120/150 (4) |", markdown);
        Assert.Contains("| agent | bm25 | 1.5 |", markdown);
    }

    [Fact]
    public void The_summary_splits_time_to_first_token_by_whether_the_prefix_was_read_and_counts_searches()
    {
        var items = BeirItems.Take(4).Select(i => i with { Answer = "proteins" }).ToArray();
        EvalAnswerRecord Answer(EvalItem item, string mode, double ttft, AnswerDetails details) =>
            UnscoredRagAnswer(item, true) with
            {
                Mode = mode, Retriever = mode == "agent" ? "bm25" : null, Details = details,
                Timings = new RecordTimings(0, ttft, ttft + 100, ttft + 100),
                Metrics = new AnswerMetrics(1, 1, 1, null, null, null, false, null, 0), Outcome = EvalOutcome.Correct,
            };
        var answers = new[]
        {
            Answer(items[0], "longcontext", 2000, new AnswerDetails(PrefixTokens: 5000, FirstWithPrefix: true)),
            Answer(items[1], "longcontext", 200, new AnswerDetails(PrefixTokens: 5000, FirstWithPrefix: false)),
            Answer(items[2], "longcontext", 240, new AnswerDetails(PrefixTokens: 5000, FirstWithPrefix: false)),
            Answer(items[0], "agent", 500, new AnswerDetails(Searches: 1)),
            Answer(items[1], "agent", 500, new AnswerDetails(Searches: 2)),
        };
        var run = new EvalRun("run-3", SetId, new EvalRunRequest(SetId, ["longcontext", "agent"], ["bm25"]), EvalRunStatus.Completed, Now, Now);

        var summary = EvalSummarizer.Summarize(run, items, answers, [], [], Now);

        var longContext = Assert.Single(summary.Modes, m => m.Mode == "longcontext");
        Assert.Equal((ModeRole.LongContext, 2000.0, 1), (longContext.Role, longContext.PrefixCache!.First!.P50, longContext.PrefixCache.First.Samples));
        Assert.Equal((220.0, 2), (longContext.PrefixCache.Following!.P50, longContext.PrefixCache.Following.Samples));
        Assert.Null(longContext.SearchesPerAnswer);
        var agent = Assert.Single(summary.Modes, m => m.Mode == "agent");
        Assert.Equal((ModeRole.Agent, 1.5), (agent.Role, agent.SearchesPerAnswer));
        Assert.Null(agent.PrefixCache);
    }
}
