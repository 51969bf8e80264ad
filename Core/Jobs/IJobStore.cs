namespace RagLab.Core.Jobs;

/// <summary>Durable job records, in the system of record (SQLite or Postgres: <c>SqlJobStore</c>); queues only deliver them.</summary>
public interface IJobStore
{
    Task<JobRecord> CreateAsync(string kind, string payload, CancellationToken cancellationToken);

    Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Jobs not yet finished (queued or running), oldest first: what a restart must resume.</summary>
    Task<IReadOnlyList<JobRecord>> ListUnfinishedAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<JobRecord>> ListAsync(string? kind, int limit, CancellationToken cancellationToken);

    /// <summary>The queue's depth as the system of record sees it, whatever queue delivers the jobs.</summary>
    Task<JobCounts> CountUnfinishedAsync(CancellationToken cancellationToken);

    /// <summary>Marks the job running and counts the attempt.</summary>
    Task MarkRunningAsync(string jobId, CancellationToken cancellationToken);

    Task ReportProgressAsync(string jobId, double progress, string? message, CancellationToken cancellationToken);

    /// <summary>Marks the job succeeded.</summary>
    /// <param name="message">What it achieved, kept as its message (e.g. the embed job's count and rate); null clears the last progress
    /// message, which described work under way.</param>
    Task CompleteAsync(string jobId, string? message, CancellationToken cancellationToken);

    Task FailAsync(string jobId, string error, CancellationToken cancellationToken);
}
