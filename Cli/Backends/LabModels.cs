using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Cli.Backends;

/// <summary>The outcome of submitting one file: queued (with a job), already indexed, or refused with an error.</summary>
/// <param name="Status"><c>queued</c>, <c>indexing</c>, <c>ready</c> or <c>failed</c>.</param>
public sealed record IngestedFile(string Path, string Name, string? DocumentId, string? Collection, string Status, string? JobId, string? Error = null);

/// <summary>A background job as clients see it.</summary>
public sealed record JobView(string Id, string Kind, JobStatus Status, double Progress, string? Message, string? Error)
{
    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed;
}

public sealed record SearchHitView(int Rank, double Score, string ChunkId, string DocumentId, string DocumentName, string Text, string HeadingPath);

public sealed record SearchResults(IReadOnlyList<SearchHitView> Hits, string Retriever, double RetrievalMs);

/// <param name="JobId">The bulk ingest job, when the lab runs the corpus as one; null when each document has its own job.</param>
public sealed record BeirImportView(string Collection, string EvalSetId, int Documents, int Queries, string? JobId);

public sealed record EvalRunStarted(string RunId, string? JobId);

/// <summary>A stored eval run; <see cref="Summary"/> is set once it completed.</summary>
public sealed record EvalRunView(string Id, string SetId, EvalRunStatus Status, string? JobId, string? Error, DateTimeOffset CreatedAt, EvalRunRequest? Request, EvalRunSummary? Summary);

public enum ReportFormat { Md, Json }
