namespace RagLab.Core.Evaluation.Reports;

/// <summary>The numbers the decision rules compare against. Accuracy differences are in percentage points.</summary>
/// <param name="HelpsPoints">A mode "helps" when it beats base by at least this many points.</param>
/// <param name="FineTuningOverRagPoints">Fine-tuning alone is preferred over RAG only when it beats RAG by at least this (doubled for teams without ML experience).</param>
/// <param name="HybridTolerancePoints">A measured hybrid must be within this of the best single approach to be recommended.</param>
/// <param name="MinQuestions">Fewer questions than this is "evidence too thin".</param>
/// <param name="MinLabelledExamples">Fewer training examples than this makes fine-tuning impractical.</param>
public sealed record DecisionThresholds(
    double HelpsPoints = 10,
    double FineTuningOverRagPoints = 5,
    double HybridTolerancePoints = 2,
    int MinQuestions = 30,
    int MinLabelledExamples = 100)
{
    public static readonly DecisionThresholds Default = new();
}
