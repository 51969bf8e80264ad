using System.Text.Json.Serialization;

namespace RagLab.Contracts;

[JsonConverter(typeof(JsonStringEnumConverter<Recommendation>))]
public enum Recommendation { PromptingOnly, Rag, FineTuning, Hybrid, InsufficientEvidence }

[JsonConverter(typeof(JsonStringEnumConverter<Confidence>))]
public enum Confidence { Low, Medium, High }

[JsonConverter(typeof(JsonStringEnumConverter<KnowledgeChangeFrequency>))]
public enum KnowledgeChangeFrequency { Daily, Weekly, Monthly, Quarterly, Yearly, Never }

[JsonConverter(typeof(JsonStringEnumConverter<MlExperience>))]
public enum MlExperience { None, Some, Experienced }

/// <summary>The body of <c>POST /api/evalruns/{id}/report</c>: the situation the answer has to work in.</summary>
public sealed record Questionnaire(
    KnowledgeChangeFrequency KnowledgeChanges = KnowledgeChangeFrequency.Monthly,
    bool CitationsRequired = false,
    double? LatencyBudgetMs = null,
    long MonthlyQueries = 10_000,
    double TrainingBudgetDollars = 0,
    int LabelledExamples = 0,
    MlExperience TeamMlExperience = MlExperience.Some,
    bool MustRunOffline = false);

public sealed record DecisionReason(string Text, string Evidence);

public sealed record EvidenceWarning(string Problem, string NextStep);

public sealed record DecisionThresholds(double HelpsPoints, double FineTuningOverRagPoints, double HybridTolerancePoints, int MinQuestions, int MinLabelledExamples);

/// <summary>The recommendation with the reasons, warnings and the numbers behind it.</summary>
public sealed record DecisionReport(
    Recommendation Recommendation,
    Confidence Confidence,
    IReadOnlyList<DecisionReason> Reasons,
    IReadOnlyList<EvidenceWarning> Warnings,
    IReadOnlyList<Recommendation> RuledOut,
    Questionnaire Questionnaire,
    EvalRunSummary Summary,
    DecisionThresholds Thresholds);

/// <summary>The body of <c>POST /api/evalruns/freshness</c>; durations as <c>hh:mm:ss</c>.</summary>
/// <param name="DocumentName">File name with extension; an existing document of that name is replaced.</param>
/// <param name="Modes">Modes to probe; null means the run's modes with <paramref name="RunId"/>, else every registered mode.</param>
/// <param name="RunId">A completed eval run on the collection: the probe's figures go into its summary and its decision report.</param>
public sealed record FreshnessProbeRequest(
    string? Collection,
    string Question,
    string ExpectedAnswer,
    string DocumentName,
    string DocumentText,
    IReadOnlyList<string>? Modes = null,
    TimeSpan? Timeout = null,
    TimeSpan? PollInterval = null,
    string? RunId = null);

public sealed record FreshnessResult(string Mode, bool PickedUp, double? Seconds, string LastAnswer, string? Error = null);

public sealed record FreshnessReport(string DocumentId, double IndexedAfterSeconds, IReadOnlyList<FreshnessResult> Modes);

/// <summary>A freshness probe, from <c>GET /api/evalruns/freshness/{jobId}</c>; <see cref="Report"/> is set once it has finished.</summary>
public sealed record FreshnessProbeStatus(string JobId, JobStatus Status, double Progress, string? Message, string? Error, FreshnessReport? Report);
