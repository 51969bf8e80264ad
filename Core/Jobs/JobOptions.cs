namespace RagLab.Core.Jobs;

/// <summary>Bound from <c>RagLab:Jobs</c>.</summary>
public sealed class JobOptions
{
    /// <summary>Whether this process runs background jobs. The AppHost turns it off for the Api and runs the Worker instead.</summary>
    public bool RunInProcess { get; set; } = true;

    /// <summary>Jobs run at the same time.</summary>
    public int Concurrency { get; set; } = 2;

    /// <summary>A job that fails this many times (crashes included) is marked failed for good.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// With a durable queue (Redis), how often unfinished jobs in the job store are compared with what the queue holds, and
    /// those it lost (Redis restarted empty) are queued again. The first check runs at start.
    /// </summary>
    public TimeSpan RequeueInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// An unfinished job missing from the durable queue is queued again only once its record has not changed for this long,
    /// so a job the Api is enqueueing right now, or one another worker is running, is left alone.
    /// </summary>
    public TimeSpan RequeueAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the process that runs jobs counts the unfinished ones for the queue-depth gauge.</summary>
    public TimeSpan QueueDepthInterval { get; set; } = TimeSpan.FromSeconds(5);
}
