using RagLab.Core.Evaluation.Sets;

namespace RagLab.Core.Evaluation.Runs;

/// <summary>Blames a wrong answer on retrieval or on generation (see <see cref="EvalOutcome"/>).</summary>
public static class OutcomeClassifier
{
    /// <param name="relevantRetrieved">Whether a relevant document was among the retrieved chunks; null when the mode does not retrieve or the question has no relevance labels.</param>
    /// <param name="f1">Token F1 against the reference answer; null when there is none.</param>
    public static string Classify(EvalItem item, bool? relevantRetrieved, bool abstained, double? f1, double correctF1Threshold, bool failed)
    {
        if (failed) return EvalOutcome.NotApplicable;
        if (item.Unanswerable) return abstained ? EvalOutcome.AbstainedCorrectly : EvalOutcome.GenerationMiss;
        // Without a reference the answer cannot be marked right or wrong, but a retrieval that found nothing relevant is still a miss.
        if (f1 is null) return relevantRetrieved == false ? EvalOutcome.RetrievalMiss : EvalOutcome.NotApplicable;
        if (!abstained && f1 >= correctF1Threshold) return EvalOutcome.Correct;
        return relevantRetrieved == false ? EvalOutcome.RetrievalMiss : EvalOutcome.GenerationMiss;
    }
}
