namespace RagLab.Core.Evaluation.Metrics;

/// <summary>Whether abstaining was right: on unanswerable questions an abstention is correct, on answerable ones it is a miss.</summary>
public static class Abstention
{
    /// <returns>1 for a correct abstention on an unanswerable question, 0 for an answer given anyway; null for answerable questions.</returns>
    public static double? CorrectAbstention(bool unanswerable, bool abstained) => unanswerable ? (abstained ? 1.0 : 0.0) : null;

    /// <returns>1 when an answerable question was declined, 0 when it was answered; null for unanswerable questions.</returns>
    public static double? FalseAbstention(bool unanswerable, bool abstained) => unanswerable ? null : (abstained ? 1.0 : 0.0);
}
