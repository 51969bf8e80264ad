namespace RagLab.Core.Evaluation.Runs;

/// <summary>Why an answer was right or wrong, so a failure can be blamed on retrieval or on generation.</summary>
public static class EvalOutcome
{
    /// <summary>Wrong, and no relevant document was among the retrieved chunks: retrieval failed first.</summary>
    public const string RetrievalMiss = "retrieval-miss";

    /// <summary>Wrong although the relevant document was retrieved (or no retrieval was used): F1 under the threshold, declined an answerable question, or answered an unanswerable one.</summary>
    public const string GenerationMiss = "generation-miss";

    public const string Correct = "correct";

    /// <summary>Said "not in the documents" to a question marked unanswerable.</summary>
    public const string AbstainedCorrectly = "abstained-correctly";

    /// <summary>Cannot be judged: the call failed, or there is no reference answer.</summary>
    public const string NotApplicable = "n/a";

    public static readonly IReadOnlyList<string> All = [Correct, AbstainedCorrectly, RetrievalMiss, GenerationMiss, NotApplicable];
}
