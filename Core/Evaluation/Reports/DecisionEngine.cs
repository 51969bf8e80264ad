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
/// <item>Nothing helps → PromptingOnly if allowed, else Rag (the constraints demand retrieval) — but only when every option still
/// allowed was measured with scored answers. A conclusion never rests on a column that does not exist: when one is missing the
/// recommendation is <see cref="Recommendation.InsufficientEvidence"/>, and the warnings name the run that would settle it.</item>
/// </list>
/// Accuracy is the share of judgeable answers that were correct (or correctly declined); token F1 when no outcome could be judged; a
/// mode with neither (no reference answers) has no score, and no reason is built on it. Fine-tuning and hybrid reasons cite the
/// run's fine-tuned columns (accuracy, groundedness, serving and training cost) and its freshness probe (retrieval gives a changed
/// fact after re-ingest, a fine-tuned model only after retraining), or say that there are none and what to run.
/// Latency budget, monthly volume and offline needs add reasons and warnings but do not change the pick.
/// </summary>
public static class DecisionEngine
{
    public static DecisionReport Decide(EvalRunSummary summary, Questionnaire questionnaire, DecisionThresholds? thresholds = null)
    {
        var t = thresholds ?? DecisionThresholds.Default;
        var reasons = new List<Reason>();
        var warnings = new List<EvidenceWarning>();
        var allowed = new HashSet<Recommendation>([Recommendation.PromptingOnly, Recommendation.Rag, Recommendation.FineTuning, Recommendation.Hybrid]);

        var baseMode = Best(summary, ModeRole.Base);
        var rag = Best(summary, ModeRole.Rag);
        var tuned = Best(summary, ModeRole.FineTuned);
        var hybrid = Best(summary, ModeRole.Hybrid);
        var tunedMeasured = TunedEvidence(summary, tuned, hybrid);

        // 1. Constraints from the questionnaire; a reason about fine-tuning also says what the run measured of it.
        if (questionnaire.KnowledgeChanges <= KnowledgeChangeFrequency.Weekly && allowed.Remove(Recommendation.FineTuning))
            reasons.Add(new("Fine-tuning alone is ruled out: knowledge that changes this often would need constant retraining.",
                $"questionnaire: knowledge changes {Lower(questionnaire.KnowledgeChanges)}; {tunedMeasured}; {FreshnessEvidence.Phrase(summary)}"));
        if (questionnaire.CitationsRequired)
        {
            allowed.Remove(Recommendation.PromptingOnly);
            allowed.Remove(Recommendation.FineTuning);
            reasons.Add(new("Answers must cite their sources, which needs retrieval: prompting only and fine-tuning alone are ruled out.",
                $"questionnaire: citations required; {tunedMeasured}"));
        }
        if (questionnaire.TrainingBudgetDollars <= 0 || questionnaire.LabelledExamples < t.MinLabelledExamples)
        {
            allowed.Remove(Recommendation.FineTuning);
            allowed.Remove(Recommendation.Hybrid);
            reasons.Add(new("Fine-tuning (alone or with RAG) is ruled out for now: it needs a training budget and enough labelled examples.",
                $"questionnaire: training budget ${questionnaire.TrainingBudgetDollars:0}, {questionnaire.LabelledExamples} labelled examples (need ≥ {t.MinLabelledExamples}); {tunedMeasured}"));
        }

        // 2. The measurements.
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
        AddFineTuningMeasurements(tuned, hybrid, rag, reasons);
        if (FreshnessEvidence.Reason(summary) is { } freshness) reasons.Add(freshness);

        // 3–6. Pick.
        Recommendation pick;
        double margin;
        var bestSingle = Math.Max(Score(rag) ?? double.MinValue, Score(tuned) ?? double.MinValue);
        var tunedClearlyBeatsRag = allowed.Contains(Recommendation.FineTuning) && tunedHelps && rag is not null && Score(tuned) - Score(rag) >= tunedOverRagNeeded;
        // What the remaining options would need measured before "nothing helps" can be concluded; with one option left, the
        // questionnaire has decided and no column is needed.
        var unsettled = allowed.Count > 1 ? Unsettled(allowed, baseMode, rag, tuned, hybrid) : [];
        // An unmeasured hybrid is only inferred from its parts when fine-tuning alone is not already the clear winner.
        if (allowed.Contains(Recommendation.Hybrid) && ragHelps && tunedHelps
            && (hybrid is null ? !tunedClearlyBeatsRag : Score(hybrid) >= bestSingle - t.HybridTolerancePoints))
        {
            pick = Recommendation.Hybrid;
            margin = Math.Min(ragGain!.Value, tunedGain!.Value);
            reasons.Add(hybrid is null
                ? new("Both retrieval and fine-tuning help on their own, so combining them is the likely best.", $"rag {Signed(ragGain.Value)}, fine-tuned {Signed(tunedGain.Value)} points over base")
                : new("The fine-tuned model with retrieval matches or beats either alone.", $"{Describe(hybrid)} vs best single {Pct(bestSingle)}; {FreshnessEvidence.Phrase(summary)}"));
        }
        else if (allowed.Contains(Recommendation.FineTuning) && tunedHelps && (rag is null || Score(tuned) - Score(rag) >= tunedOverRagNeeded))
        {
            pick = Recommendation.FineTuning;
            margin = rag is null ? tunedGain!.Value : Score(tuned)!.Value - Score(rag)!.Value;
            reasons.Add(new("The fine-tuned model beats RAG on these questions while the knowledge is stable enough to train on.",
                (rag is null ? $"{Describe(tuned!)}; RAG not measured" : $"{Describe(tuned!)} vs {Describe(rag)} (needs ≥ {tunedOverRagNeeded:0} points)") +
                $"; questionnaire: knowledge changes {Lower(questionnaire.KnowledgeChanges)}; {FreshnessEvidence.Phrase(summary)}"));
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
        else if (unsettled.Count > 0)
        {
            pick = Recommendation.InsufficientEvidence;
            margin = 0;
            reasons.Add(new($"The evidence is insufficient for a recommendation: {Join(unsettled)} {(unsettled.Count > 1 ? "were" : "was")} not measured with scored answers, " +
                    "and a conclusion cannot rest on a column that does not exist.",
                Measured(summary)));
        }
        else if (allowed.Contains(Recommendation.PromptingOnly))
        {
            pick = Recommendation.PromptingOnly;
            margin = ragGain is null ? 0 : -ragGain.Value;
            var prompted = BestOf(Best(summary, ModeRole.Prompt), baseMode);
            reasons.Add(new("Neither retrieval nor fine-tuning measurably helps, so the simplest setup wins: a good prompt on the base model.",
                $"{Describe(prompted!)}{(ragGain is null ? "" : $"; rag {Signed(ragGain.Value)}")}{(tunedGain is null ? "" : $", fine-tuned {Signed(tunedGain.Value)}")} points over base"));
        }
        else
        {
            pick = Recommendation.Rag;
            margin = 0;
            reasons.Add(ragGain is null
                ? new("Retrieval is required by the constraints, which rule out every other option; how much it helps was not measured.",
                    $"questionnaire: ruled out {string.Join(", ", new[] { Recommendation.PromptingOnly, Recommendation.FineTuning, Recommendation.Hybrid }.Where(r => !allowed.Contains(r)).Select(r => r.ToString()))}; no scored base and rag columns to compare")
                : new("Retrieval is required by the constraints even though it did not measurably improve accuracy here.", $"{Describe(rag!)}: {Signed(ragGain.Value)} points over base"));
        }

        AddSupportingReasons(pick == Recommendation.Hybrid ? hybrid ?? rag : pick == Recommendation.Rag ? rag : pick == Recommendation.FineTuning ? tuned
                : pick == Recommendation.PromptingOnly ? BestOf(Best(summary, ModeRole.Prompt), baseMode) : null,
            rag, baseMode, summary, questionnaire, reasons, warnings);
        AddLadderReasons(summary, baseMode, rag, reasons);
        AddThinEvidenceWarnings(summary, baseMode, rag, tuned, hybrid, pick, allowed, warnings, t);
        // Fine-tuning alone cannot take in a changed fact without retraining: recommending it without a probe rests on the questionnaire.
        if (summary.Freshness is null && pick == Recommendation.FineTuning)
            warnings.Add(FreshnessEvidence.NotMeasured(summary));

        var confidence = pick == Recommendation.InsufficientEvidence || summary.Questions < t.MinQuestions || baseMode is null || (rag is null && tuned is null) ? Confidence.Low
            : summary.Questions >= 100 && margin >= 2 * t.HelpsPoints && warnings.Count == 0 ? Confidence.High
            : Confidence.Medium;
        var ruledOut = new[] { Recommendation.PromptingOnly, Recommendation.Rag, Recommendation.FineTuning, Recommendation.Hybrid }.Where(r => !allowed.Contains(r)).ToArray();
        return new DecisionReport(pick, confidence, reasons, warnings, ruledOut, questionnaire, summary, t);
    }

    /// <summary>Accuracy in points (0–100): share correct, or mean token F1 when no outcome could be judged; null when neither was computable.</summary>
    public static double? Score(ModeSummary? mode) => mode is null ? null : (mode.Accuracy ?? mode.F1) * 100;

    /// <summary>The best-scoring measurement of a role: for retrieval modes, the best retriever. Null when no answer of the role could be scored.</summary>
    public static ModeSummary? Best(EvalRunSummary summary, ModeRole role)
    {
        var ofRole = summary.Modes.Where(m => m.Role == role && m.Answered > 0 && Score(m) is not null).ToArray();
        // Summaries stored before rows were split per retriever also carry a row merging the retrievers: the per-retriever ones win.
        var perRetriever = ofRole.Where(m => m.Retriever is not null).ToArray();
        return (perRetriever.Length > 0 ? perRetriever : ofRole).OrderByDescending(m => Score(m)).ThenBy(m => m.Mode, StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>RAG's row for what does not need a score (latency, citations): its best scored one, else its first that answered.</summary>
    public static ModeSummary? RagRow(EvalRunSummary summary) =>
        Best(summary, ModeRole.Rag) ?? summary.Modes.FirstOrDefault(m => m.Role == ModeRole.Rag && m.Answered > 0 && m.Retriever is not null)
            ?? summary.Modes.FirstOrDefault(m => m.Role == ModeRole.Rag && m.Answered > 0);

    /// <summary>True when some answer of the role was given, scored or not.</summary>
    private static bool Ran(EvalRunSummary summary, ModeRole role) => summary.Modes.Any(m => m.Role == role && m.Answered > 0);

    /// <summary>True when modes answered but no answer could be scored: the set has neither reference answers nor unanswerable questions.</summary>
    private static bool NothingScorable(EvalRunSummary summary) =>
        summary.Modes.Any(m => m.Answered > 0) && summary.Modes.All(m => m.Answered == 0 || Score(m) is null);

    /// <summary>The columns the options still allowed need before "nothing helps" may be concluded, in words.</summary>
    private static List<string> Unsettled(HashSet<Recommendation> allowed, ModeSummary? baseMode, ModeSummary? rag, ModeSummary? tuned, ModeSummary? hybrid)
    {
        var missing = new List<string>();
        if (baseMode is null) missing.Add("the base model (the model alone)");
        if (allowed.Contains(Recommendation.Rag) && rag is null) missing.Add("RAG");
        if ((allowed.Contains(Recommendation.FineTuning) || allowed.Contains(Recommendation.Hybrid)) && tuned is null && hybrid is null) missing.Add("a fine-tuned model");
        return missing;
    }

    /// <summary>The modes a run would need to settle the question: what is missing among base, rag, finetuned and hybrid.</summary>
    private static List<string> ModesToRun(HashSet<Recommendation> allowed, ModeSummary? baseMode, ModeSummary? rag, ModeSummary? tuned, ModeSummary? hybrid)
    {
        var modes = new List<string>();
        if (baseMode is null) modes.Add(AnswerModeNames.Base);
        if (rag is null && allowed.Contains(Recommendation.Rag)) modes.Add(AnswerModeNames.Rag);
        if (tuned is null && allowed.Contains(Recommendation.FineTuning)) modes.Add(FineTunedMode);
        if (hybrid is null && allowed.Contains(Recommendation.Hybrid)) modes.Add(HybridMode);
        return modes;
    }

    private const string FineTunedMode = "finetuned";
    private const string HybridMode = "hybrid";

    private static string RunCommand(EvalRunSummary summary, IEnumerable<string> modes)
    {
        var list = modes.ToList();
        return $"raglab eval run {summary.SetId} --modes {string.Join(",", list)} (or POST /api/evalruns {{\"setId\": \"{summary.SetId}\", \"modes\": [{string.Join(", ", list.Select(m => $"\"{m}\""))}]}})";
    }

    /// <summary>What the run measured, for the evidence of an "insufficient evidence" reason.</summary>
    private static string Measured(EvalRunSummary summary)
    {
        var ran = summary.Modes.Where(m => m.Answered > 0).ToList();
        if (ran.Count == 0) return "no mode answered in this run";
        var scored = ran.Where(m => Score(m) is not null).Select(ReportNumbers.Label).ToList();
        var unscored = ran.Where(m => Score(m) is null).Select(ReportNumbers.Label).ToList();
        var parts = new List<string>();
        if (scored.Count > 0) parts.Add($"scored: {string.Join(", ", scored)}");
        if (unscored.Count > 0) parts.Add($"answered but not scorable (no reference answers): {string.Join(", ", unscored)}");
        return "measured in this run — " + string.Join("; ", parts);
    }

    /// <summary>What the run measured of fine-tuning, in one phrase that constraint reasons append.</summary>
    private static string TunedEvidence(EvalRunSummary summary, ModeSummary? tuned, ModeSummary? hybrid)
    {
        var measured = new[] { tuned, hybrid }.OfType<ModeSummary>().Select(Describe).ToList();
        if (measured.Count > 0) return "measured: " + string.Join(", ", measured);
        return Ran(summary, ModeRole.FineTuned) || Ran(summary, ModeRole.Hybrid)
            ? "the fine-tuned columns of this run have no scorable answers"
            : "no fine-tuned column in this run";
    }

    /// <summary>Fine-tuning and hybrid as the run measured them: beside RAG, grounded or not, and what they cost to serve and to train.</summary>
    private static void AddFineTuningMeasurements(ModeSummary? tuned, ModeSummary? hybrid, ModeSummary? rag, List<Reason> reasons)
    {
        foreach (var mode in new[] { tuned, hybrid }.OfType<ModeSummary>())
        {
            var name = mode.Role == ModeRole.Hybrid ? "The fine-tuned model with retrieval (hybrid)" : "The fine-tuned model";
            if (rag is not null && Score(mode) - Score(rag) is { } overRag)
                reasons.Add(new($"{name} {(overRag >= 0 ? "answers at least as well as" : "answers worse than")} RAG.", $"{Describe(mode)} vs {Describe(rag)}: {Signed(overRag)} points"));
            if ((mode.JudgeGroundedness ?? mode.LexicalGroundedness) is { } grounded)
                reasons.Add(new($"{name}'s answers stay close to the text they cite.", $"{ReportNumbers.Label(mode)} groundedness {Pct(grounded * 100)} ({(mode.JudgeGroundedness is null ? "lexical" : "LLM judge")})"));
            if (mode.Cost is { } cost)
            {
                var serving = $"{ReportNumbers.Label(mode)} ${cost.DollarsPerQuery:0.#####}/query ({cost.Basis})" +
                    (rag?.Cost is { } ragCost ? $" vs {ReportNumbers.Label(rag)} ${ragCost.DollarsPerQuery:0.#####}/query" : "");
                var training = cost.OneOffTrainingDollars is { } once ? $"; training ${once:N0} one-off" : "; training cost not given (prices.trainingCostDollars)";
                reasons.Add(new($"{name}: what it costs to serve and to train.", serving + training));
            }
        }
    }

    /// <summary>The other rungs of the ladder, when the run measured them: the collection's own prompt, the whole collection in the prompt, an agent that searches.</summary>
    private static void AddLadderReasons(EvalRunSummary summary, ModeSummary? baseMode, ModeSummary? rag, List<Reason> reasons)
    {
        if (Best(summary, ModeRole.Prompt) is { } prompt && Gain(prompt, baseMode) is { } promptGain)
            reasons.Add(new(promptGain > 0 ? "The collection's own prompt and examples improve on the model alone." : "The collection's own prompt and examples do not improve on the model alone.",
                $"{Describe(prompt)} vs {Describe(baseMode!)}: {Signed(promptGain)} points"));
        if (Best(summary, ModeRole.LongContext) is { } longContext && Gain(longContext, rag) is { } longGain)
            reasons.Add(new("The whole collection in the prompt (long context), beside retrieval.", $"{Describe(longContext)} vs {Describe(rag!)}: {Signed(longGain)} points"));
        foreach (var mode in summary.Modes.Where(m => m.PrefixCache is { First: not null, Following: not null }))
            reasons.Add(new("Long context pays for reading the collection on the first question; the model's cache of it makes the following ones faster.",
                $"{ReportNumbers.Label(mode)} time to first token: first question {ReportNumbers.Ms(mode.PrefixCache!.First!.P50)} ms, following p50 {ReportNumbers.Ms(mode.PrefixCache.Following!.P50)} ms ({mode.PrefixCache.Following.Samples} questions)"));
        if (Best(summary, ModeRole.Agent) is { } agent && Gain(agent, rag) is { } agentGain)
            reasons.Add(new("An agent that decides what to search, beside one retrieval per question.",
                $"{Describe(agent)}{(agent.SearchesPerAnswer is { } searches ? $", {searches.ToString("0.0", CultureInfo.InvariantCulture)} searches per answer" : "")} vs {Describe(rag!)}: {Signed(agentGain)} points"));
    }

    private static void AddSupportingReasons(ModeSummary? chosen, ModeSummary? rag, ModeSummary? baseMode, EvalRunSummary summary, Questionnaire questionnaire, List<Reason> reasons, List<EvidenceWarning> warnings)
    {
        var ragRow = rag ?? RagRow(summary);
        if (ragRow is not null)
        {
            var wrong = ragRow.Failures.RetrievalMiss + ragRow.Failures.GenerationMiss;
            // Only answers that could be judged are errors: without reference answers there is nothing to blame.
            if (wrong > 0 && ragRow.Accuracy is not null)
                reasons.Add(new(ragRow.Failures.RetrievalMiss >= ragRow.Failures.GenerationMiss
                        ? "Most RAG errors start in retrieval: improve chunking or the retriever before the generator."
                        : "Most RAG errors happen although the right document was retrieved: improve the prompt or the model.",
                    $"{Describe(ragRow)}: {ragRow.Failures.RetrievalMiss} retrieval misses, {ragRow.Failures.GenerationMiss} generation misses"));
            if (ragRow.Accuracy is null && ragRow.Retriever is not null && summary.Retrievers.FirstOrDefault(r => string.Equals(r.Retriever, ragRow.Retriever, StringComparison.OrdinalIgnoreCase)) is { } retrieval
                && retrieval.Scores.FirstOrDefault(s => s.K == 10) is { } at10)
                reasons.Add(new("Retrieval quality is measured even though answer quality is not.",
                    $"{retrieval.Retriever} nDCG@10 {at10.Ndcg.ToString("0.000", CultureInfo.InvariantCulture)}, recall@10 {at10.Recall.ToString("0.000", CultureInfo.InvariantCulture)} ({retrieval.Questions} labelled questions)"));
            if (ragRow.CitationPrecision is { } precision)
                reasons.Add(new("RAG answers cite their sources.", $"{ReportNumbers.Label(ragRow)} citation precision {Pct(precision * 100)}"));
            if ((ragRow.JudgeGroundedness ?? ragRow.LexicalGroundedness) is { } grounded)
                reasons.Add(new("RAG answers stay close to the retrieved text.", $"{ReportNumbers.Label(ragRow)} groundedness {Pct(grounded * 100)} ({(ragRow.JudgeGroundedness is null ? "lexical" : "LLM judge")})"));
            if (baseMode is not null && ragRow.Latency.Total.Samples > 0 && baseMode.Latency.Total.Samples > 0)
            {
                var overhead = ragRow.Latency.Total.P50 - baseMode.Latency.Total.P50;
                reasons.Add(new("Measured RAG overhead per query, beside the published figure.",
                    $"p50 total {ReportNumbers.Ms(ragRow.Latency.Total.P50)} ms vs base {ReportNumbers.Ms(baseMode.Latency.Total.P50)} ms ({(overhead >= 0 ? "+" : "−")}{ReportNumbers.Ms(Math.Abs(overhead))} ms)" +
                    (ragRow.Latency.Retrieval is { Samples: > 0 } retrieval2 ? $"; retrieval p50 {ReportNumbers.Ms(retrieval2.P50)} ms" : "") +
                    $"; published: \"{PublishedFigures.RagRetrievalOverhead.Figure}\""));
            }
        }

        if (chosen is null) return;
        if (questionnaire.LatencyBudgetMs is { } budget && chosen.Latency.Total.Samples > 0)
        {
            var p95 = chosen.Latency.Total.P95;
            reasons.Add(new(p95 <= budget ? "The recommended setup meets the latency budget." : "The recommended setup is over the latency budget.",
                $"{ReportNumbers.Label(chosen)} p95 {ReportNumbers.Ms(p95)} ms vs budget {budget:0} ms (questionnaire)"));
            if (p95 > budget)
                warnings.Add(new($"{ReportNumbers.Label(chosen)} answers in {ReportNumbers.Ms(p95)} ms at p95, over the {budget:0} ms budget.", "Try a smaller model, a lower topK, or bm25 instead of hybrid retrieval, and run the eval again."));
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

    private static void AddThinEvidenceWarnings(EvalRunSummary summary, ModeSummary? baseMode, ModeSummary? rag, ModeSummary? tuned, ModeSummary? hybrid,
        Recommendation pick, HashSet<Recommendation> allowed, List<EvidenceWarning> warnings, DecisionThresholds t)
    {
        if (summary.Questions < t.MinQuestions)
            warnings.Add(new($"Only {summary.Questions} questions: a few answers either way swing the result.", $"Import or generate at least {t.MinQuestions} questions and run again."));
        if (NothingScorable(summary))
            warnings.Add(new("No answer could be scored: the set has no reference answers and no questions marked unanswerable (e.g. BEIR relevance labels only), " +
                    "so correct, exact match and F1 are n/a for every mode and no reason rests on them.",
                "Add an \"answer\" to each question, or generate a set from the collection (POST /api/evalsets/generate), and run again."));
        if (!Ran(summary, ModeRole.Base))
            warnings.Add(new("The base model (no retrieval, no fine-tuning) was not measured, so no gain can be computed.", $"Add the \"base\" mode to the run: {RunCommand(summary, ModesToRun(allowed, baseMode, rag, tuned, hybrid).DefaultIfEmpty(AnswerModeNames.Base))}."));
        if (!Ran(summary, ModeRole.Rag))
            warnings.Add(new("RAG was not measured.", "Add the \"rag\" mode to the run."));
        if (tuned is null)
            warnings.Add(new("No fine-tuned model was measured in this run (there is no finetuned column), so whether fine-tuning helps on these questions is unknown.",
                $"Create a fine-tuned model of the collection from examples that exclude this set's questions (POST /api/finetunes), then run this set again with the modes finetuned and hybrid: {RunCommand(summary, [AnswerModeNames.Base, AnswerModeNames.Rag, FineTunedMode, HybridMode])}."));
        if (pick == Recommendation.Hybrid && hybrid is null)
            warnings.Add(new("Hybrid is recommended from its parts; the combination itself was not measured.", "Add the hybrid mode (the fine-tuned model with retrieval) to the run."));
        if (pick == Recommendation.InsufficientEvidence && Ran(summary, ModeRole.Base) && baseMode is null && !NothingScorable(summary))
            warnings.Add(new("The base model answered, but none of its answers could be scored.", "Check the run's per-question records for errors, and the set for reference answers."));
        if (summary.LabelledQuestions == 0)
            warnings.Add(new("No question names its relevant documents, so retrieval quality and the retrieval-vs-generation split are unknown.", "Add \"relevantDocuments\" to the eval set (generated sets have them)."));
        foreach (var warning in summary.Warnings)
            warnings.Add(new(warning, "See the run's per-question records."));
    }

    private static ModeSummary? BestOf(ModeSummary? a, ModeSummary? b) => Score(a) is { } x && (Score(b) is not { } y || x > y) ? a : b;

    private static double? Gain(ModeSummary? mode, ModeSummary? baseline) => Score(mode) is { } a && Score(baseline) is { } b ? a - b : null;

    private static string Describe(ModeSummary mode) =>
        $"{ReportNumbers.Label(mode)} {Pct(Score(mode)!.Value)} {(mode.Accuracy is null ? "token F1" : "correct")} ({mode.Questions} questions)";

    private static string Join(IReadOnlyList<string> items) =>
        items.Count <= 1 ? string.Concat(items) : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];

    private static string Pct(double points) => points.ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Signed(double value) => (value >= 0 ? "+" : "") + value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Lower(KnowledgeChangeFrequency frequency) => frequency.ToString().ToLowerInvariant();
}
