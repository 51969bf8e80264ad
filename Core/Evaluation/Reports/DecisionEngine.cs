using System.Globalization;
using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Reports;

/// <summary>
/// Turns a run summary and a questionnaire into a recommendation. The rules, in order:
/// <list type="number">
/// <item>Constraints rule options out: knowledge changing weekly or faster rules out fine-tuning alone (a model cannot be
/// retrained that often); required citations rule out prompting only and fine-tuning alone (only retrieval can point at a source);
/// no training budget or fewer than <see cref="DecisionThresholds.MinLabelledExamples"/> labelled examples rule out fine-tuning and hybrid.</item>
/// <item>A mode "helps" when its accuracy beats base by ≥ <see cref="DecisionThresholds.HelpsPoints"/> points.</item>
/// <item>Both RAG and fine-tuning help, hybrid is allowed, and either hybrid was measured within <see cref="DecisionThresholds.HybridTolerancePoints"/>
/// of the best single approach, or it was not measured and fine-tuning alone does not clearly beat RAG (next rule) → Hybrid.</item>
/// <item>Fine-tuning helps and beats RAG by ≥ <see cref="DecisionThresholds.FineTuningOverRagPoints"/> (doubled with no ML experience) → FineTuning.</item>
/// <item>RAG helps → Rag; else fine-tuning helps → FineTuning.</item>
/// <item>Nothing helps → PromptingOnly if allowed, else Rag (the constraints demand retrieval).</item>
/// </list>
/// Accuracy is the share of judgeable answers that were correct (or correctly declined); token F1 when no outcome could be judged.
/// Latency budget, monthly volume and offline needs add reasons and warnings but do not change the pick.
/// </summary>
public static class DecisionEngine
{
    public static DecisionReport Decide(EvalRunSummary summary, Questionnaire questionnaire, DecisionThresholds? thresholds = null)
    {
        var t = thresholds ?? DecisionThresholds.Default;
        var reasons = new List<Reason>();
        var warnings = new List<EvidenceWarning>();
        var allowed = new HashSet<Recommendation>(Enum.GetValues<Recommendation>());

        // 1. Constraints from the questionnaire.
        if (questionnaire.KnowledgeChanges <= KnowledgeChangeFrequency.Weekly && allowed.Remove(Recommendation.FineTuning))
            reasons.Add(new("Fine-tuning alone is ruled out: knowledge that changes this often would need constant retraining.", $"questionnaire: knowledge changes {Lower(questionnaire.KnowledgeChanges)}"));
        if (questionnaire.CitationsRequired)
        {
            allowed.Remove(Recommendation.PromptingOnly);
            allowed.Remove(Recommendation.FineTuning);
            reasons.Add(new("Answers must cite their sources, which needs retrieval: prompting only and fine-tuning alone are ruled out.", "questionnaire: citations required"));
        }
        if (questionnaire.TrainingBudgetDollars <= 0 || questionnaire.LabelledExamples < t.MinLabelledExamples)
        {
            allowed.Remove(Recommendation.FineTuning);
            allowed.Remove(Recommendation.Hybrid);
            reasons.Add(new("Fine-tuning (alone or with RAG) is ruled out for now: it needs a training budget and enough labelled examples.",
                $"questionnaire: training budget ${questionnaire.TrainingBudgetDollars:0}, {questionnaire.LabelledExamples} labelled examples (need ≥ {t.MinLabelledExamples})"));
        }

        // 2. The measurements.
        var baseMode = Best(summary, ModeRole.Base);
        var rag = Best(summary, ModeRole.Rag);
        var tuned = Best(summary, ModeRole.FineTuned);
        var hybrid = Best(summary, ModeRole.Hybrid);
        var ragGain = Gain(rag, baseMode);
        var tunedGain = Gain(tuned, baseMode);
        var ragHelps = ragGain >= t.HelpsPoints;
        var tunedHelps = tunedGain >= t.HelpsPoints;
        var tunedOverRagNeeded = t.FineTuningOverRagPoints * (questionnaire.TeamMlExperience == MlExperience.None ? 2 : 1);

        if (ragGain is not null)
            reasons.Add(new(ragHelps ? "RAG answers markedly better than the model alone." : "RAG does not answer markedly better than the model alone.",
                $"{Describe(rag!)} vs {Describe(baseMode!)}: {Signed(ragGain.Value)} points (threshold {t.HelpsPoints:0})"));
        if (tunedGain is not null)
            reasons.Add(new(tunedHelps ? "The fine-tuned model answers markedly better than the base model." : "The fine-tuned model does not answer markedly better than the base model.",
                $"{Describe(tuned!)} vs {Describe(baseMode!)}: {Signed(tunedGain.Value)} points (threshold {t.HelpsPoints:0})"));

        // 3–6. Pick.
        Recommendation pick;
        double margin;
        var bestSingle = Math.Max(Score(rag) ?? double.MinValue, Score(tuned) ?? double.MinValue);
        var tunedClearlyBeatsRag = allowed.Contains(Recommendation.FineTuning) && tunedHelps && rag is not null && Score(tuned) - Score(rag) >= tunedOverRagNeeded;
        // An unmeasured hybrid is only inferred from its parts when fine-tuning alone is not already the clear winner.
        if (allowed.Contains(Recommendation.Hybrid) && ragHelps && tunedHelps
            && (hybrid is null ? !tunedClearlyBeatsRag : Score(hybrid) >= bestSingle - t.HybridTolerancePoints))
        {
            pick = Recommendation.Hybrid;
            margin = Math.Min(ragGain!.Value, tunedGain!.Value);
            reasons.Add(hybrid is null
                ? new("Both retrieval and fine-tuning help on their own, so combining them is the likely best.", $"rag {Signed(ragGain.Value)}, fine-tuned {Signed(tunedGain.Value)} points over base")
                : new("The fine-tuned model with retrieval matches or beats either alone.", $"{Describe(hybrid)} vs best single {Pct(bestSingle)}"));
        }
        else if (allowed.Contains(Recommendation.FineTuning) && tunedHelps && (rag is null || Score(tuned) - Score(rag) >= tunedOverRagNeeded))
        {
            pick = Recommendation.FineTuning;
            margin = rag is null ? tunedGain!.Value : Score(tuned)!.Value - Score(rag)!.Value;
            reasons.Add(new("The fine-tuned model beats RAG on these questions while the knowledge is stable enough to train on.",
                rag is null ? $"{Describe(tuned!)}; RAG not measured" : $"{Describe(tuned!)} vs {Describe(rag)} (needs ≥ {tunedOverRagNeeded:0} points)"));
        }
        else if (allowed.Contains(Recommendation.Rag) && ragHelps)
        {
            pick = Recommendation.Rag;
            margin = ragGain!.Value;
        }
        else if (allowed.Contains(Recommendation.FineTuning) && tunedHelps)
        {
            pick = Recommendation.FineTuning;
            margin = tunedGain!.Value;
        }
        else if (allowed.Contains(Recommendation.PromptingOnly))
        {
            pick = Recommendation.PromptingOnly;
            margin = ragGain is null ? 0 : -ragGain.Value;
            reasons.Add(new("Neither retrieval nor fine-tuning measurably helps, so the simplest setup wins: a good prompt on the base model.",
                baseMode is null ? "base not measured" : Describe(baseMode)));
        }
        else
        {
            pick = Recommendation.Rag;
            margin = 0;
            reasons.Add(new("Retrieval is required by the constraints even though it did not measurably improve accuracy here.", rag is null ? "RAG not measured" : Describe(rag)));
        }

        AddSupportingReasons(pick == Recommendation.Hybrid ? hybrid ?? rag : pick == Recommendation.Rag ? rag : pick == Recommendation.FineTuning ? tuned : baseMode,
            rag, baseMode, summary, questionnaire, reasons, warnings);
        AddThinEvidenceWarnings(summary, baseMode, rag, tuned, hybrid, pick, warnings, t);

        var confidence = summary.Questions < t.MinQuestions || baseMode is null || (rag is null && tuned is null) ? Confidence.Low
            : summary.Questions >= 100 && margin >= 2 * t.HelpsPoints && warnings.Count == 0 ? Confidence.High
            : Confidence.Medium;
        var ruledOut = Enum.GetValues<Recommendation>().Where(r => !allowed.Contains(r)).ToArray();
        return new DecisionReport(pick, confidence, reasons, warnings, ruledOut, questionnaire, summary, t);
    }

    /// <summary>Accuracy in points (0–100): share correct, or mean token F1 when no outcome could be judged.</summary>
    public static double? Score(ModeSummary? mode) => mode is null ? null : (mode.Accuracy ?? mode.F1) * 100;

    /// <summary>The best-scoring measurement of a role: for retrieval modes, the best retriever.</summary>
    public static ModeSummary? Best(EvalRunSummary summary, ModeRole role)
    {
        var ofRole = summary.Modes.Where(m => m.Role == role && m.Answered > 0 && Score(m) is not null).ToArray();
        var perRetriever = ofRole.Where(m => m.Retriever is not null).ToArray();
        return (perRetriever.Length > 0 ? perRetriever : ofRole).OrderByDescending(m => Score(m)).ThenBy(m => m.Mode, StringComparer.Ordinal).FirstOrDefault();
    }

    private static void AddSupportingReasons(ModeSummary? chosen, ModeSummary? rag, ModeSummary? baseMode, EvalRunSummary summary, Questionnaire questionnaire, List<Reason> reasons, List<EvidenceWarning> warnings)
    {
        if (rag is not null)
        {
            var wrong = rag.Failures.RetrievalMiss + rag.Failures.GenerationMiss;
            if (wrong > 0)
                reasons.Add(new(rag.Failures.RetrievalMiss >= rag.Failures.GenerationMiss
                        ? "Most RAG errors start in retrieval: improve chunking or the retriever before the generator."
                        : "Most RAG errors happen although the right document was retrieved: improve the prompt or the model.",
                    $"{Describe(rag)}: {rag.Failures.RetrievalMiss} retrieval misses, {rag.Failures.GenerationMiss} generation misses"));
            if (rag.CitationPrecision is { } precision)
                reasons.Add(new("RAG answers cite their sources.", $"{Label(rag)} citation precision {Pct(precision * 100)}"));
            if ((rag.JudgeGroundedness ?? rag.LexicalGroundedness) is { } grounded)
                reasons.Add(new("RAG answers stay close to the retrieved text.", $"{Label(rag)} groundedness {Pct(grounded * 100)} ({(rag.JudgeGroundedness is null ? "lexical" : "LLM judge")})"));
            if (baseMode is not null && rag.Latency.Total.Samples > 0 && baseMode.Latency.Total.Samples > 0)
            {
                var overhead = rag.Latency.Total.P50 - baseMode.Latency.Total.P50;
                reasons.Add(new("Measured RAG overhead per query, beside the published figure.",
                    $"p50 total {rag.Latency.Total.P50:0} ms vs base {baseMode.Latency.Total.P50:0} ms ({Signed(overhead)} ms); published: \"{PublishedFigures.RagRetrievalOverhead.Figure}\""));
            }
        }

        if (chosen is null) return;
        if (questionnaire.LatencyBudgetMs is { } budget && chosen.Latency.Total.Samples > 0)
        {
            var p95 = chosen.Latency.Total.P95;
            reasons.Add(new(p95 <= budget ? "The recommended setup meets the latency budget." : "The recommended setup is over the latency budget.",
                $"{Label(chosen)} p95 {p95:0} ms vs budget {budget:0} ms (questionnaire)"));
            if (p95 > budget)
                warnings.Add(new($"{Label(chosen)} answers in {p95:0} ms at p95, over the {budget:0} ms budget.", "Try a smaller model, a lower topK, or bm25 instead of hybrid retrieval, and run the eval again."));
        }
        if (chosen.Cost is { } cost)
        {
            var monthly = cost.DollarsPerQuery * questionnaire.MonthlyQueries;
            var training = cost.OneOffTrainingDollars is { } once ? $" plus ${once:N0} one-off training" : "";
            reasons.Add(new("Projected running cost at your volume.",
                $"${cost.DollarsPerQuery:0.#####}/query ({cost.Basis}) × {questionnaire.MonthlyQueries:N0} queries = ${monthly:N0}/month{training}; published: \"{PublishedFigures.RagMonthlyCostAtOneMillion.Figure}\""));
            if (questionnaire.MustRunOffline && cost.Basis == "tokens")
                warnings.Add(new("Costs were projected from hosted-API token prices, but the setup must run offline.", "Give a GPU $/hour price and run the eval again for an offline cost."));
        }
        else
        {
            warnings.Add(new("No prices were given, so no cost projection.", "Run again with prices (GPU $/hour, or $/1M input and output tokens)."));
        }
        if (questionnaire.MustRunOffline)
            reasons.Add(new("Everything must run locally: hosted models and APIs are out; the measured models are the local ones.", "questionnaire: must run offline"));
    }

    private static void AddThinEvidenceWarnings(EvalRunSummary summary, ModeSummary? baseMode, ModeSummary? rag, ModeSummary? tuned, ModeSummary? hybrid, Recommendation pick, List<EvidenceWarning> warnings, DecisionThresholds t)
    {
        if (summary.Questions < t.MinQuestions)
            warnings.Add(new($"Only {summary.Questions} questions: a few answers either way swing the result.", $"Import or generate at least {t.MinQuestions} questions and run again."));
        if (baseMode is null)
            warnings.Add(new("The base model (no retrieval, no fine-tuning) was not measured, so no gain can be computed.", "Add the \"base\" mode to the run."));
        if (rag is null)
            warnings.Add(new("RAG was not measured.", "Add the \"rag\" mode to the run."));
        if (tuned is null)
            warnings.Add(new("No fine-tuned model was measured, so fine-tuning is judged on constraints only.", "Train an adapter on examples that exclude this eval set's questions, then add its mode to the run."));
        if (pick == Recommendation.Hybrid && hybrid is null)
            warnings.Add(new("Hybrid is recommended from its parts; the combination itself was not measured.", "Add a fine-tuned + RAG mode to the run."));
        if (summary.LabelledQuestions == 0)
            warnings.Add(new("No question names its relevant documents, so retrieval quality and the retrieval-vs-generation split are unknown.", "Add \"relevantDocuments\" to the eval set (generated sets have them)."));
        foreach (var warning in summary.Warnings)
            warnings.Add(new(warning, "See the run's per-question records."));
    }

    private static double? Gain(ModeSummary? mode, ModeSummary? baseline) => Score(mode) is { } a && Score(baseline) is { } b ? a - b : null;

    private static string Label(ModeSummary mode) => mode.Retriever is null ? mode.Mode : $"{mode.Mode}/{mode.Retriever}";

    private static string Describe(ModeSummary mode) =>
        $"{Label(mode)} {Pct(Score(mode)!.Value)} {(mode.Accuracy is null ? "token F1" : "correct")} ({mode.Questions} questions)";

    private static string Pct(double points) => points.ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Signed(double value) => (value >= 0 ? "+" : "") + value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Lower(KnowledgeChangeFrequency frequency) => frequency.ToString().ToLowerInvariant();
}
