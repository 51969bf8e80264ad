using System.Text.Json.Serialization;

namespace RagLab.Contracts;

/// <summary>Where an eval set came from; on the wire as <c>Jsonl</c>, <c>Beir</c>, <c>Generated</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EvalSetSource>))]
public enum EvalSetSource { Jsonl, Beir, Generated }

/// <summary>One version of an eval set, from <c>GET /api/evalsets</c> and <c>POST /api/evalsets</c>.</summary>
/// <param name="HeldOutFromTraining">True when fine-tuning must not train on these questions.</param>
public sealed record EvalSetResponse(
    string Id, string Name, int Version, string Collection, DateTimeOffset CreatedAt, int ItemCount, EvalSetSource Source, bool HeldOutFromTraining);

/// <summary>One question of a set.</summary>
/// <param name="Answer">The reference answer, when known.</param>
/// <param name="RelevantDocuments">Ids or names of the documents that answer it.</param>
/// <param name="Unanswerable">True when the documents do not answer it.</param>
public sealed record EvalItemResponse(
    string Id, string Question, string? Answer, IReadOnlyList<string> RelevantDocuments, IReadOnlyList<string> Tags, bool Unanswerable = false);

/// <summary>One eval set with its questions, from <c>GET /api/evalsets/{id}</c>.</summary>
public sealed record EvalSetDetails(
    string Id, string Name, int Version, string Collection, DateTimeOffset CreatedAt, int ItemCount, EvalSetSource Source,
    bool HeldOutFromTraining, IReadOnlyList<EvalItemResponse> Items);

/// <summary>The body of <c>POST /api/evalsets/generate</c>; omitted values take the server's defaults.</summary>
public sealed record GenerateEvalSetRequest(string? Name, string? Collection, int? Count, int? Seed);

/// <summary>A generation job, from <c>GET /api/evalsets/generate/{jobId}</c>; <see cref="EvalSet"/> is set once it has succeeded.</summary>
public sealed record EvalSetGenerationStatus(string JobId, JobStatus Status, double Progress, string? Message, string? Error, EvalSetResponse? EvalSet);

/// <summary>The result of <c>POST /api/evalsets/beir</c>: the corpus ingested (as job <see cref="JobId"/>) and the judged queries stored as a set.</summary>
public sealed record BeirImportResponse(string Collection, string EvalSetId, int Documents, int Queries, string? JobId);
