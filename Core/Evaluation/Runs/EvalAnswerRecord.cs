using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Runs;

/// <summary>Scores of one answer; null where a metric does not apply (no reference, nothing cited, no judge…).</summary>
/// <param name="Abstained">The answer says the documents do not answer the question.</param>
/// <param name="CorrectAbstention">On unanswerable questions: 1 when it abstained.</param>
/// <param name="FalseAbstention">On answerable questions: 1 when it abstained anyway.</param>
public sealed record AnswerMetrics(
    double? ExactMatch,
    double? F1,
    double? RougeL,
    double? LexicalGroundedness,
    double? JudgeGroundedness,
    double? CitationPrecision,
    bool Abstained,
    double? CorrectAbstention,
    double? FalseAbstention);

/// <summary>Where the time of one answer went, in milliseconds.</summary>
public sealed record RecordTimings(double RetrievalMs, double? TimeToFirstTokenMs, double GenerationMs, double TotalMs);

/// <summary>One question answered in one mode (with one retriever): what came back, how good it was, what it cost.</summary>
/// <param name="Retriever">The retriever used, or null for modes without retrieval.</param>
/// <param name="Outcome">One of <see cref="EvalOutcome"/>.</param>
/// <param name="Details">What the mode reported beyond the common fields: the agent's searches, whether a long-context prefix was read or reused.</param>
public sealed record EvalAnswerRecord(
    string ItemId,
    string Question,
    string Mode,
    string? Retriever,
    string Answer,
    string? Model,
    IReadOnlyList<Citation> Citations,
    IReadOnlyList<string> RetrievedChunkIds,
    IReadOnlyList<string> RetrievedDocumentIds,
    AnswerMetrics Metrics,
    RecordTimings Timings,
    TokenUsage Tokens,
    string Outcome,
    string? Error = null,
    AnswerDetails? Details = null);
