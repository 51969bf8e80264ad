namespace RagLab.Core.Jobs;

public enum JobStatus { Queued, Running, Succeeded, Failed }

/// <summary>A unit of background work (ingest a document, run an eval, train an adapter), persisted so a restart resumes it.</summary>
/// <param name="Kind">Which <see cref="IJobHandler"/> runs it, e.g. <c>ingest</c>.</param>
/// <param name="Payload">The handler's input, as JSON.</param>
/// <param name="Progress">0 to 1.</param>
/// <param name="Message">What the job is doing now, for progress displays.</param>
public sealed record JobRecord(
    string Id,
    string Kind,
    JobStatus Status,
    double Progress,
    string Payload,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Error = null,
    string? Message = null,
    int Attempts = 0);

/// <summary>How many jobs wait for a worker (<paramref name="Queued"/>) and how many a worker has taken (<paramref name="Running"/>).</summary>
public sealed record JobCounts(int Queued, int Running);
