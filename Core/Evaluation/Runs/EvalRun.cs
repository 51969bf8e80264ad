using System.Text.Json.Serialization;

namespace RagLab.Core.Evaluation.Runs;

[JsonConverter(typeof(JsonStringEnumConverter<EvalRunStatus>))]
public enum EvalRunStatus { Pending, Running, Completed, Failed }

/// <summary>A stored eval run. <see cref="Summary"/> is set once it has completed.</summary>
public sealed record EvalRun(
    string Id,
    string SetId,
    EvalRunRequest Request,
    EvalRunStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? JobId = null,
    string? Error = null,
    EvalRunSummary? Summary = null);
