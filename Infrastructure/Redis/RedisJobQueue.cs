using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Redis;

public sealed record RedisJobQueueOptions
{
    public string StreamKey { get; init; } = "raglab:jobs";

    public string GroupName { get; init; } = "workers";

    /// <summary>This worker's name in the consumer group; unique per process.</summary>
    public string ConsumerName { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>A job delivered this long ago and not acknowledged is presumed abandoned and given to another worker.</summary>
    public TimeSpan ClaimMinIdle { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one XREADGROUP waits for new entries before checking for abandoned ones again.</summary>
    public TimeSpan BlockTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Pause before retrying when Redis is down while waiting for jobs.</summary>
    public TimeSpan UnavailableRetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Job ids in a Redis stream read through a consumer group, which gives at-least-once delivery across workers:
/// a delivered entry stays pending until acknowledged, and one left pending longer than
/// <see cref="RedisJobQueueOptions.ClaimMinIdle"/> (its worker crashed) is claimed by the next worker that asks.
/// Job records themselves stay in the shared SQLite store.
/// </summary>
public sealed class RedisJobQueue : IJobQueue
{
    private const string JobIdField = "jobId";
    private const string KindField = "kind";
    private readonly IRedisClient redis;
    private readonly RedisJobQueueOptions options;
    private readonly ILogger logger;
    private readonly RateLimitedWarning warning;
    private volatile bool groupReady;

    public RedisJobQueue(IRedisClient redis, RedisJobQueueOptions? options = null, ILogger<RedisJobQueue>? logger = null, TimeProvider? time = null)
    {
        this.redis = redis;
        this.options = options ?? new RedisJobQueueOptions();
        this.logger = logger ?? NullLogger<RedisJobQueue>.Instance;
        warning = new RateLimitedWarning(this.logger, time ?? TimeProvider.System, TimeSpan.FromMinutes(1));
    }

    /// <summary>Unacknowledged entries stay in the stream's pending list and are claimed again, so nothing is refilled from the job store.</summary>
    public bool IsDurable => true;

    /// <exception cref="DependencyUnavailableException">Redis is unreachable, so the job was not queued.</exception>
    public async Task EnqueueAsync(string jobId, string kind, CancellationToken cancellationToken)
    {
        try
        {
            await RunWithGroupAsync(() => redis.StreamAddAsync(options.StreamKey,
                new Dictionary<string, string> { [JobIdField] = jobId, [KindField] = kind }, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (RedisConnectionException exception)
        {
            throw new DependencyUnavailableException(
                $"Redis at {redis.EndPoint} is unreachable; the upload was not accepted. Start Redis or remove ConnectionStrings:cache to use the embedded queue. ({exception.Message})");
        }
    }

    /// <summary>Waits for the next job: first one abandoned by a crashed worker, else a new one. Survives Redis outages by retrying.</summary>
    public async Task<JobLease> DequeueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var lease = await RunWithGroupAsync(() => ClaimAbandonedAsync(cancellationToken), cancellationToken).ConfigureAwait(false)
                            ?? await RunWithGroupAsync(() => ReadNewAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
                if (lease is not null) return lease;
            }
            catch (RedisConnectionException exception)
            {
                warning.Log(exception, "Waiting for jobs");
                await Task.Delay(options.UnavailableRetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <exception cref="DependencyUnavailableException">Redis is unreachable; the job will be delivered again later.</exception>
    public async Task AcknowledgeAsync(JobLease lease, CancellationToken cancellationToken)
    {
        try
        {
            var acknowledged = await redis.StreamAcknowledgeAsync(options.StreamKey, options.GroupName, lease.DeliveryTag, cancellationToken).ConfigureAwait(false);
            if (acknowledged == 0)
                logger.LogInformation("Job {JobId} ({Entry}) was already acknowledged, probably by a worker that reclaimed it.", lease.JobId, lease.DeliveryTag);
            // Acknowledged entries are never read again; deleting them keeps the stream small.
            await redis.StreamDeleteAsync(options.StreamKey, lease.DeliveryTag, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisConnectionException exception)
        {
            throw new DependencyUnavailableException(
                $"Redis at {redis.EndPoint} is unreachable; job {lease.JobId} could not be acknowledged and will run again when Redis is back. ({exception.Message})");
        }
    }

    /// <summary>
    /// The job ids in the stream. Acknowledged entries are deleted, so these are exactly the jobs waiting or delivered and
    /// not yet acknowledged; after Redis restarted without its data the set is empty.
    /// </summary>
    /// <exception cref="DependencyUnavailableException">Redis is unreachable.</exception>
    public async Task<IReadOnlySet<string>?> ListQueuedJobIdsAsync(CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var entry in redis.StreamRangeAsync(options.StreamKey, 500, cancellationToken).ConfigureAwait(false))
                if (entry.Fields.GetValueOrDefault(JobIdField) is { } jobId) ids.Add(jobId);
        }
        catch (RedisConnectionException exception)
        {
            throw new DependencyUnavailableException($"Redis at {redis.EndPoint} is unreachable; cannot list queued jobs. ({exception.Message})");
        }
        return ids;
    }

    private async Task<JobLease?> ClaimAbandonedAsync(CancellationToken cancellationToken)
    {
        var cursor = "0-0";
        // Each XAUTOCLAIM scans a bounded slice of the pending list; follow the cursor, but not forever.
        for (var page = 0; page < 100; page++)
        {
            var (entries, next) = await redis.StreamAutoClaimAsync(options.StreamKey, options.GroupName, options.ConsumerName,
                options.ClaimMinIdle, cursor, count: 1, cancellationToken).ConfigureAwait(false);
            if (entries.Count > 0)
            {
                var lease = ToLease(entries[0]);
                logger.LogWarning("Reclaimed job {JobId} ({Entry}) that another worker left unacknowledged for over {Idle}.",
                    lease.JobId, lease.DeliveryTag, options.ClaimMinIdle);
                return lease;
            }
            if (next == "0-0") break;
            cursor = next;
        }
        return null;
    }

    private async Task<JobLease?> ReadNewAsync(CancellationToken cancellationToken)
    {
        var entries = await redis.StreamReadGroupAsync(options.StreamKey, options.GroupName, options.ConsumerName,
            count: 1, options.BlockTime, cancellationToken).ConfigureAwait(false);
        return entries.Count == 0 ? null : ToLease(entries[0]);
    }

    private static JobLease ToLease(RedisStreamEntry entry) => new(
        entry.Fields.GetValueOrDefault(JobIdField) ?? throw new InvalidOperationException($"Stream entry {entry.Id} has no {JobIdField} field."),
        entry.Fields.GetValueOrDefault(KindField) ?? "",
        entry.Id);

    /// <summary>
    /// Creates the consumer group once (MKSTREAM, BUSYGROUP ignored) and again if Redis lost it (NOGROUP after a
    /// restart without persistence).
    /// </summary>
    private async Task<T> RunWithGroupAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        if (!groupReady) await EnsureGroupAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Code == "NOGROUP")
        {
            await EnsureGroupAsync(cancellationToken).ConfigureAwait(false);
            return await operation().ConfigureAwait(false);
        }
    }

    private async Task EnsureGroupAsync(CancellationToken cancellationToken)
    {
        // "0" rather than "$": entries added before the group existed are jobs too.
        await redis.StreamCreateGroupAsync(options.StreamKey, options.GroupName, "0", cancellationToken).ConfigureAwait(false);
        groupReady = true;
    }
}
