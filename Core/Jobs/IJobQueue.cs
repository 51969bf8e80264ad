namespace RagLab.Core.Jobs;

/// <summary>A job handed out by <see cref="IJobQueue.DequeueAsync"/>; acknowledge it only once the work is done.</summary>
/// <param name="TraceParent">W3C <c>traceparent</c> of the operation that queued the job, so its trace continues in the worker.</param>
/// <param name="TraceState">W3C <c>tracestate</c> that came with <paramref name="TraceParent"/>.</param>
public sealed record JobLease(string JobId, string Kind, string DeliveryTag, string? TraceParent = null, string? TraceState = null);

/// <summary>
/// Delivers job ids to workers at least once: a lease not acknowledged (the worker crashed) is delivered again.
/// Embedded: <see cref="ChannelJobQueue"/>. Under Aspire: Redis Streams with a consumer group.
/// </summary>
public interface IJobQueue
{
    /// <summary>
    /// True when the queue itself keeps unacknowledged jobs across restarts (Redis Streams). When false, the
    /// <c>JobProcessor</c> refills it from <see cref="IJobStore"/> at start.
    /// </summary>
    bool IsDurable { get; }

    Task EnqueueAsync(string jobId, string kind, CancellationToken cancellationToken);

    /// <summary>Waits for the next job.</summary>
    Task<JobLease> DequeueAsync(CancellationToken cancellationToken);

    /// <summary>Removes a finished job (succeeded or failed for good) from the queue.</summary>
    Task AcknowledgeAsync(JobLease lease, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps <paramref name="lease"/> held by this worker while its job runs, so a queue that hands idle leases to other
    /// workers (Redis) does not give away a job that is merely slow. Dispose it when the job has ended.
    /// </summary>
    IAsyncDisposable HoldLease(JobLease lease) => NoLeaseHold.Instance;

    /// <summary>
    /// Ids of the jobs the queue holds now (waiting or delivered and not acknowledged), so <c>JobProcessor</c> can
    /// re-enqueue unfinished jobs a durable queue lost (e.g. Redis restarted empty). Null when the queue cannot tell.
    /// </summary>
    Task<IReadOnlySet<string>?> ListQueuedJobIdsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlySet<string>?>(null);
}

/// <summary>For queues whose leases never expire while held (the in-process channel).</summary>
internal sealed class NoLeaseHold : IAsyncDisposable
{
    public static readonly NoLeaseHold Instance = new();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
