using System.Text.Json.Serialization;

namespace RagLab.Contracts;

/// <summary>On the wire as <c>Pending</c>, <c>Running</c>, <c>Completed</c>, <c>Failed</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EvalRunStatus>))]
public enum EvalRunStatus { Pending, Running, Completed, Failed }

/// <summary>What an answering mode stands for in the decision.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ModeRole>))]
public enum ModeRole { Other, Base, Rag, FineTuned, Hybrid, Prompt, LongContext, Agent }

/// <summary>Prices for cost projections: GPU time when <see cref="GpuDollarsPerHour"/> is set, otherwise tokens.</summary>
public sealed record PriceSettings(
    double? GpuDollarsPerHour = null,
    double? InputDollarsPerMillionTokens = null,
    double? OutputDollarsPerMillionTokens = null,
    IReadOnlyDictionary<string, double>? TrainingCostDollars = null);

/// <summary>The body of <c>POST /api/evalruns</c>; omitted values take the server's defaults.</summary>
public sealed record StartEvalRunRequest(
    string? SetId,
    IReadOnlyList<string>? Modes,
    IReadOnlyList<string>? Retrievers = null,
    int? TopK = null,
    int? Parallelism = null,
    bool? Judge = null,
    PriceSettings? Prices = null,
    IReadOnlyDictionary<string, ModeRole>? ModeRoles = null,
    double? CorrectF1Threshold = null);

/// <summary>What a run measures, with the defaults filled in.</summary>
public sealed record EvalRunSettings(
    string SetId,
    IReadOnlyList<string> Modes,
    IReadOnlyList<string>? Retrievers,
    int TopK,
    int Parallelism,
    bool Judge,
    PriceSettings? Prices,
    IReadOnlyDictionary<string, ModeRole>? ModeRoles,
    double CorrectF1Threshold);

/// <summary>A run was started; poll it at <c>GET /api/evalruns/{runId}</c>.</summary>
public sealed record EvalRunAccepted(string RunId, string JobId);

/// <summary>A run with its job's progress (0 to 1); <see cref="Summary"/> is set once it has completed (and never in lists).</summary>
/// <param name="ReaderScope">Whose view of the documents the run measures: the groups of the caller who started it, comma-separated,
/// or <c>*</c> for everything.</param>
public sealed record EvalRunResponse(
    string Id, string SetId, EvalRunStatus Status, double Progress, string? Message, string? Error, string? JobId,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, EvalRunSettings Request, EvalRunSummary? Summary, string ReaderScope = "*");

/// <summary>Median, 95th percentile and mean of one phase, in milliseconds.</summary>
public sealed record LatencyStats(double P50, double P95, double Mean, int Samples);

public sealed record PhaseLatency(LatencyStats? Retrieval, LatencyStats? TimeToFirstToken, LatencyStats? Generation, LatencyStats Total);

/// <summary>How many answers fell in each outcome.</summary>
public sealed record FailureCounts(int Correct, int AbstainedCorrectly, int RetrievalMiss, int GenerationMiss, int NotApplicable);

public sealed record MonthlyCost(long QueriesPerMonth, double Dollars);

/// <param name="Basis"><c>gpu-hour</c> or <c>tokens</c>.</param>
public sealed record CostProjection(string Basis, double DollarsPerQuery, IReadOnlyList<MonthlyCost> Monthly, double? OneOffTrainingDollars, double? GpuAlwaysOnMonthlyDollars);

/// <summary>Means over the answers of one mode (and retriever, when set); a metric that could not be computed is null.</summary>
/// <param name="SearchesPerAnswer">The agent mode's mean searches per answer.</param>
/// <param name="PrefixCache">The longcontext mode's time to first token, first question versus the following ones.</param>
public sealed record ModeSummary(
    string Mode,
    string? Retriever,
    ModeRole Role,
    int Questions,
    int Answered,
    int Errors,
    double? ExactMatch,
    double? F1,
    double? RougeL,
    double? LexicalGroundedness,
    double? JudgeGroundedness,
    double? CitationPrecision,
    double? AbstentionAccuracy,
    double? FalseAbstentionRate,
    double? Accuracy,
    PhaseLatency Latency,
    double InputTokensPerQuery,
    double OutputTokensPerQuery,
    FailureCounts Failures,
    CostProjection? Cost,
    double? SearchesPerAnswer = null,
    PrefixCacheLatency? PrefixCache = null);

/// <summary>A long-context mode's time to first token when it had to read the collection's prefix (the first question) and when it reused it.</summary>
public sealed record PrefixCacheLatency(LatencyStats? First, LatencyStats? Following);

/// <summary>Document-level retrieval scores at one cut-off.</summary>
public sealed record RetrievalAtK(int K, double Ndcg, double Recall, double Precision, double ReciprocalRank, double HitRate);

public sealed record RetrieverSummary(string Retriever, int Questions, int Errors, IReadOnlyList<RetrievalAtK> Scores, LatencyStats? Latency);

/// <summary>A figure published in the seed material, to check against the measurements.</summary>
public sealed record PublishedFigure(string Key, string Wording, string Figure, double Low, double High, string Unit, string Source);

/// <summary>One mode's outcome in a run's freshness probe.</summary>
/// <param name="Seconds">After the document was submitted, when the mode gave the new answer; null when it never did.</param>
public sealed record ModeFreshness(string Mode, ModeRole Role, bool PickedUp, double? Seconds, string LastAnswer, string? Error = null);

/// <summary>The freshness probe asked for a run (<c>POST /api/evalruns/freshness</c> with its <c>runId</c>): a document changed, then each mode re-asked.</summary>
/// <param name="TimeoutSeconds">How long each mode was re-asked before the probe gave up on it.</param>
public sealed record RunFreshness(string JobId, string Question, string ExpectedAnswer, string DocumentName, double IndexedAfterSeconds, double TimeoutSeconds,
    IReadOnlyList<ModeFreshness> Modes);

/// <summary>Everything measured in a completed run.</summary>
/// <param name="ReaderScope">Whose view was measured (<c>*</c>: everything).</param>
/// <param name="RelevantDocumentsOutsideView">Relevance labels dropped because they name documents outside that view.</param>
/// <param name="QuestionsOutsideView">Questions not asked because all their relevant documents are outside that view.</param>
/// <param name="Freshness">Its freshness probe, once one was run for it.</param>
public sealed record EvalRunSummary(
    string RunId,
    string SetId,
    int Questions,
    int UnanswerableQuestions,
    int LabelledQuestions,
    IReadOnlyList<ModeSummary> Modes,
    IReadOnlyList<RetrieverSummary> Retrievers,
    IReadOnlyList<PublishedFigure> PublishedFigures,
    IReadOnlyList<string> Warnings,
    DateTimeOffset CompletedAt,
    string ReaderScope = "*",
    int RelevantDocumentsOutsideView = 0,
    int QuestionsOutsideView = 0,
    RunFreshness? Freshness = null);
