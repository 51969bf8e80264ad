using System.Globalization;
using RagLab.Core.Evaluation.Runs;

namespace RagLab.Core.Evaluation.Reports;

/// <summary>
/// What a run's freshness probe says about fine-tuning versus retrieval, in the words the decision report uses: retrieval gives
/// a changed fact once its document is re-ingested, a fine-tuned model alone only once it is trained again. Without a probe it
/// says what to run.
/// </summary>
public static class FreshnessEvidence
{
    /// <summary>Roles whose answers come from retrieved text, so a re-ingested document reaches them.</summary>
    private static bool Retrieves(ModeRole role) => role is ModeRole.Rag or ModeRole.Hybrid or ModeRole.Agent or ModeRole.LongContext;

    /// <summary>The probe's outcome for one mode: when it gave the new answer, or what it still said.</summary>
    public static string Describe(RunFreshness probe, ModeFreshness mode) =>
        mode.PickedUp ? $"{mode.Mode} gave the new answer {Seconds(mode.Seconds ?? 0)} after the change"
        : mode.Error is not null ? $"{mode.Mode} could not answer ({mode.Error})"
        : $"{mode.Mode} still answered \"{Short(mode.LastAnswer)}\" {Seconds(probe.TimeoutSeconds)} after the change";

    /// <summary>The whole probe in one line: the question, the change, and each mode's outcome.</summary>
    public static string Describe(RunFreshness probe) =>
        $"freshness probe (job {probe.JobId}) after {probe.DocumentName} changed (re-indexed in {Seconds(probe.IndexedAfterSeconds)}), " +
        $"asking \"{probe.Question}\" for \"{probe.ExpectedAnswer}\": {string.Join("; ", probe.Modes.Select(m => Describe(probe, m)))}";

    /// <summary>One phrase for reasons that weigh fine-tuning against knowledge that changes: the measured freshness, or that it was not measured.</summary>
    public static string Phrase(EvalRunSummary summary) =>
        summary.Freshness is { } probe ? Describe(probe) : $"freshness not measured ({HowToProbe(summary)})";

    /// <summary>The reason the probe gives, or null without a probe (or a probe of neither retrieval nor a fine-tuned model).</summary>
    public static Reason? Reason(EvalRunSummary summary)
    {
        if (summary.Freshness is not { } probe) return null;
        var retrieval = probe.Modes.Where(m => Retrieves(m.Role)).ToList();
        var tuned = probe.Modes.Where(m => m.Role == ModeRole.FineTuned).ToList();
        if (retrieval.Count == 0 && tuned.Count == 0) return null;
        var retrievalFresh = retrieval.Any(m => m.PickedUp);
        var tunedStale = tuned.Count > 0 && tuned.All(m => !m.PickedUp);
        var text = (retrievalFresh, tunedStale, tuned.Count > 0) switch
        {
            (true, true, _) => "Measured freshness: retrieval answers the updated fact right after re-ingest; the fine-tuned model cannot without retraining.",
            (true, false, false) => "Measured freshness: retrieval answers the updated fact right after re-ingest (no fine-tuned model was probed).",
            (true, false, true) => "Measured freshness: both retrieval and the fine-tuned model gave the updated fact.",
            (false, true, _) => "Measured freshness: neither retrieval nor the fine-tuned model gave the updated fact in the probe's time.",
            (false, false, true) => "Measured freshness: the fine-tuned model gave the updated fact, retrieval did not.",
            (false, false, false) => "Measured freshness: retrieval did not give the updated fact in the probe's time.",
        };
        return new Reason(text, Describe(probe));
    }

    /// <summary>The warning when no probe was run, with the request that runs one for this run.</summary>
    public static EvidenceWarning NotMeasured(EvalRunSummary summary) =>
        new("Freshness was not measured for this run, so whether fine-tuning or RAG keeps up with changed knowledge rests on the questionnaire alone.",
            $"Change a document of the collection and probe this run's modes: {HowToProbe(summary)}.");

    private static string HowToProbe(EvalRunSummary summary) =>
        $"POST /api/evalruns/freshness {{\"runId\": \"{summary.RunId}\", \"question\": \"…\", \"expectedAnswer\": \"…\", \"documentName\": \"…\", \"documentText\": \"…\"}}";

    private static string Seconds(double seconds) =>
        (seconds < 10 ? seconds.ToString("0.0#", CultureInfo.InvariantCulture) : seconds.ToString("0", CultureInfo.InvariantCulture)) + " s";

    private static string Short(string answer) => answer.Length <= 60 ? answer.Trim() : answer[..57].TrimEnd() + "…";
}
