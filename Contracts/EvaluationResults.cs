namespace RagLab.Contracts;

/// <summary>Scores of one answer; null where a metric does not apply.</summary>
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

/// <summary>One question answered in one mode (with one retriever).</summary>
/// <param name="Outcome"><c>correct</c>, <c>abstained-correctly</c>, <c>retrieval-miss</c>, <c>generation-miss</c> or <c>n/a</c>.</param>
public sealed record EvalAnswerResult(
    string ItemId,
    string Question,
    string Mode,
    string? Retriever,
    string Answer,
    string? Model,
    IReadOnlyList<AskCitation> Citations,
    IReadOnlyList<string> RetrievedChunkIds,
    IReadOnlyList<string> RetrievedDocumentIds,
    AnswerMetrics Metrics,
    RecordTimings Timings,
    AskUsage Tokens,
    string Outcome,
    string? Error = null,
    AskDetails? Details = null);

/// <summary>One question through one retriever, scored against its relevant documents.</summary>
public sealed record EvalRetrievalResult(
    string ItemId,
    string Retriever,
    IReadOnlyList<string> RankedDocumentIds,
    IReadOnlyList<RetrievalAtK> Scores,
    double RetrievalMs,
    string? Error = null);

/// <summary>One question of the set with every answer and retrieval measured for it, from <c>GET /api/evalruns/{id}/results</c>.</summary>
public sealed record EvalQuestionResult(
    string ItemId, string Question, string? ReferenceAnswer, bool Unanswerable, IReadOnlyList<string> RelevantDocuments,
    IReadOnlyList<EvalAnswerResult> Answers, IReadOnlyList<EvalRetrievalResult> Retrievals);
