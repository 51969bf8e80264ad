namespace RagLab.Core.Jobs;

/// <summary>Reports a running job's progress to whoever is watching (API, CLI progress bar, UI).</summary>
public interface IJobProgress
{
    /// <param name="fraction">0 to 1.</param>
    Task ReportAsync(double fraction, string? message, CancellationToken cancellationToken);

    /// <summary>
    /// What the job achieved (e.g. "1,204 chunks embedded at 85.3 chunks/s"), kept as its message once it has succeeded. Without
    /// one, the last progress message is cleared then: it described work under way. Progress sinks that only watch ignore it.
    /// </summary>
    void ReportOutcome(string message) { }
}

/// <summary>Runs one kind of job. Handlers must be idempotent: after a crash the same job runs again.</summary>
public interface IJobHandler
{
    string Kind { get; }

    Task RunAsync(JobRecord job, IJobProgress progress, CancellationToken cancellationToken);

    /// <summary>Called once when the job has failed for good, so the handler can mark what it was working on (e.g. the document) as failed.</summary>
    Task OnFailedAsync(JobRecord job, string error, CancellationToken cancellationToken) => Task.CompletedTask;
}
