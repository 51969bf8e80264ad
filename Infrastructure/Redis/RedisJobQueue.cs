using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;
using StackExchange.Redis;

namespace RagLab.Infrastructure.Redis;

public sealed record RedisJobQueueOptions
{
    public string StreamKey { get; init; } = "raglab:jobs";

    public string GroupName { get; init; } = "workers";

    /// <summary>This worker's name in the consumer group; unique per process.</summary>
    public string ConsumerName { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>A job delivered this long ago and not acknowledged (nor renewed) is presumed abandoned and given to another worker.</summary>
    public TimeSpan ClaimMinIdle { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Longest wait between two reads of the stream. StackExchange.Redis never issues a blocking XREADGROUP, so the
    /// queue polls; a pub/sub message sent with every new job wakes waiting workers at once.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Pause before retrying when Redis is down while waiting for jobs.</summary>
    public TimeSpan UnavailableRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an enqueue waits for a dropped connection to come back before the upload is refused.</summary>
    public TimeSpan ReconnectWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The pub/sub channel that announces new jobs.</summary>
    public string WakeChannel => StreamKey + ":added";
}

/// <summary>
/// Job ids in a Redis stream read through a consumer group, which gives at-least-once delivery across workers:
/// a delivered entry stays pending until acknowledged, and one left pending longer than
/// <see cref="RedisJobQueueOptions.ClaimMinIdle"/> (its worker crashed) is claimed (XAUTOCLAIM) by the next worker that asks.
/// A running job's claim is renewed (<see cref="HoldLease"/>), so a slow job is never taken over. Each entry carries the
/// W3C trace context of the request that queued it. Job records themselves stay in the shared SQLite store.
/// </summary>
public sealed class RedisJobQueue : IJobQueue
{
    private const string JobIdField = "jobId";
    private const string KindField = "kind";
    private static readonly string[] TraceFields = ["traceparent", "tracestate"];
    private readonly IConnectionMultiplexer redis;
    private readonly RedisJobQueueOptions options;
    private readonly ILogger logger;
    private readonly RateLimitedWarning warning;
    private readonly TimeProvider time;
    private volatile bool groupReady;
    private volatile bool subscribed;
    private TaskCompletionSource wake = NewWake();

    public RedisJobQueue(IConnectionMultiplexer redis, RedisJobQueueOptions? options = null, ILogger<RedisJobQueue>? logger = null, TimeProvider? time = null)
    {
        this.redis = redis;
        this.options = options ?? new RedisJobQueueOptions();
        this.logger = logger ?? NullLogger<RedisJobQueue>.Instance;
        this.time = time ?? TimeProvider.System;
        warning = new RateLimitedWarning(this.logger, this.time, TimeSpan.FromMinutes(1));
    }

    /// <summary>Unacknowledged entries stay in the stream's pending list and are claimed again, so nothing is refilled from the job store.</summary>
    public bool IsDurable => true;

    private IDatabase Database => redis.GetDatabase();

    /// <exception cref="DependencyUnavailableException">Redis is unreachable, so the job was not queued.</exception>
    public async Task EnqueueAsync(string jobId, string kind, CancellationToken cancellationToken)
    {
        var fields = new List<NameValueEntry> { new(JobIdField, jobId), new(KindField, kind) };
        // W3C traceparent/tracestate of the current request, so the worker's job span joins its trace.
        DistributedContextPropagator.Current.Inject(Activity.Current, fields, static (carrier, name, value) =>
        {
            if (carrier is List<NameValueEntry> entries && TraceFields.Contains(name) && value is not null) entries.Add(new(name, value));
        });

        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                await RunWithGroupAsync(() => Database.StreamAddAsync(options.StreamKey, [.. fields]), cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception exception) when (RedisConnectionDefaults.IsUnavailable(exception))
            {
                // A restart is ridden out (the multiplexer reconnects within seconds); a Redis that stays down refuses the upload.
                if (time.GetElapsedTime(started) < options.ReconnectWait)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
                    continue;
                }
                throw new DependencyUnavailableException(
                    $"Redis at {RedisConnectionDefaults.Describe(redis)} is unreachable; the upload was not accepted. Start Redis or remove ConnectionStrings:cache to use the embedded queue. ({exception.Message})");
            }
        }
        try
        {
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(options.WakeChannel), jobId).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (RedisConnectionDefaults.IsUnavailable(exception))
        {
            // The job is queued; workers find it at their next poll.
            logger.LogDebug(exception, "Could not announce job {JobId}; workers will find it when they next poll", jobId);
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
                await SubscribeOnceAsync().ConfigureAwait(false);
                // Taken before reading, so a job announced during the read still wakes this wait.
                var announced = Volatile.Read(ref wake).Task;
                var lease = await RunWithGroupAsync(ClaimAbandonedAsync, cancellationToken).ConfigureAwait(false)
                            ?? await RunWithGroupAsync(ReadNewAsync, cancellationToken).ConfigureAwait(false);
                if (lease is not null) return lease;
                await announced.WaitAsync(options.PollInterval, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            catch (Exception exception) when (RedisConnectionDefaults.IsUnavailable(exception))
            {
                warning.Log(exception, "Waiting for jobs");
                await Task.Delay(options.UnavailableRetryDelay, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <exception cref="DependencyUnavailableException">Redis is unreachable; the job will be delivered again later.</exception>
    public async Task AcknowledgeAsync(JobLease lease, CancellationToken cancellationToken)
    {
        try
        {
            var acknowledged = await Database.StreamAcknowledgeAsync(options.StreamKey, options.GroupName, lease.DeliveryTag).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (acknowledged == 0)
                logger.LogInformation("Job {JobId} ({Entry}) was already acknowledged, probably by a worker that reclaimed it.", lease.JobId, lease.DeliveryTag);
            // Acknowledged entries are never read again; deleting them keeps the stream small.
            await Database.StreamDeleteAsync(options.StreamKey, [lease.DeliveryTag]).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (RedisConnectionDefaults.IsUnavailable(exception))
        {
            throw new DependencyUnavailableException(
                $"Redis at {RedisConnectionDefaults.Describe(redis)} is unreachable; job {lease.JobId} could not be acknowledged and will run again when Redis is back. ({exception.Message})");
        }
    }

    /// <summary>
    /// Renews the claim on <paramref name="lease"/> (XCLAIM … JUSTID resets its idle time) every third of
    /// <see cref="RedisJobQueueOptions.ClaimMinIdle"/> until disposed, so no other worker reclaims a job that is still running.
    /// </summary>
    public IAsyncDisposable HoldLease(JobLease lease) => new LeaseRenewal(this, lease);

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
            RedisValue from = "-";
            while (true)
            {
                var page = await Database.StreamRangeAsync(options.StreamKey, from, "+", count: 500).WaitAsync(cancellationToken).ConfigureAwait(false);
                foreach (var entry in page)
                    if (entry[JobIdField] is { IsNull: false } jobId) ids.Add(jobId.ToString());
                if (page.Length < 500) break;
                from = "(" + page[^1].Id; // exclusive start (Redis 6.2+)
            }
        }
        catch (Exception exception) when (RedisConnectionDefaults.IsUnavailable(exception))
        {
            throw new DependencyUnavailableException($"Redis at {RedisConnectionDefaults.Describe(redis)} is unreachable; cannot list queued jobs. ({exception.Message})");
        }
        return ids;
    }

    private async Task<JobLease?> ClaimAbandonedAsync(CancellationToken cancellationToken)
    {
        RedisValue cursor = "0-0";
        // Each XAUTOCLAIM scans a bounded slice of the pending list; follow the cursor, but not forever.
        for (var page = 0; page < 100; page++)
        {
            var claimed = await Database.StreamAutoClaimAsync(options.StreamKey, options.GroupName, options.ConsumerName,
                (long)options.ClaimMinIdle.TotalMilliseconds, cursor, count: 1).WaitAsync(cancellationToken).ConfigureAwait(false);
            // Entries deleted while pending come back as null entries (and their ids in DeletedIds): nothing to run.
            var entries = claimed.ClaimedEntries.Where(entry => !entry.Id.IsNull && entry.Values is { Length: > 0 }).ToArray();
            if (entries.Length > 0)
            {
                var lease = ToLease(entries[0]);
                logger.LogWarning("Reclaimed job {JobId} ({Entry}) that another worker left unacknowledged for over {Idle}.",
                    lease.JobId, lease.DeliveryTag, options.ClaimMinIdle);
                return lease;
            }
            if (claimed.NextStartId == "0-0") break;
            cursor = claimed.NextStartId;
        }
        return null;
    }

    private async Task<JobLease?> ReadNewAsync(CancellationToken cancellationToken)
    {
        var entries = await Database.StreamReadGroupAsync(options.StreamKey, options.GroupName, options.ConsumerName,
            StreamPosition.NewMessages, count: 1).WaitAsync(cancellationToken).ConfigureAwait(false);
        return entries.Length == 0 ? null : ToLease(entries[0]);
    }

    private static JobLease ToLease(StreamEntry entry)
    {
        var jobId = entry[JobIdField];
        if (jobId.IsNull) throw new InvalidOperationException($"Stream entry {entry.Id} has no {JobIdField} field.");
        var traceParent = entry[TraceFields[0]];
        var traceState = entry[TraceFields[1]];
        return new JobLease(jobId.ToString(), entry[KindField].ToString(), entry.Id.ToString(),
            traceParent.IsNull ? null : traceParent.ToString(), traceState.IsNull ? null : traceState.ToString());
    }

    /// <summary>Listens for new-job announcements; the multiplexer re-subscribes by itself after a reconnect.</summary>
    private async Task SubscribeOnceAsync()
    {
        if (subscribed) return;
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(options.WakeChannel),
            (_, _) => Interlocked.Exchange(ref wake, NewWake()).TrySetResult()).ConfigureAwait(false);
        subscribed = true;
    }

    private static TaskCompletionSource NewWake() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Creates the consumer group once (MKSTREAM, BUSYGROUP ignored) and again if Redis lost it (NOGROUP after a
    /// restart without persistence).
    /// </summary>
    private async Task<T> RunWithGroupAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        if (!groupReady) await EnsureGroupAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await operation(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            await EnsureGroupAsync(cancellationToken).ConfigureAwait(false);
            return await operation(cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<T> RunWithGroupAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken) =>
        RunWithGroupAsync(_ => operation(), cancellationToken);

    private async Task EnsureGroupAsync(CancellationToken cancellationToken)
    {
        try
        {
            // "0" rather than "$": entries added before the group existed are jobs too.
            await Database.StreamCreateConsumerGroupAsync(options.StreamKey, options.GroupName, "0", createStream: true)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another process created it first.
        }
        groupReady = true;
    }

    /// <summary>Periodic XCLAIM JUSTID of one running job's entry, to this consumer, with the idle time reset.</summary>
    private sealed class LeaseRenewal : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task loop;

        public LeaseRenewal(RedisJobQueue queue, JobLease lease) => loop = RenewAsync(queue, lease, stop.Token);

        private static async Task RenewAsync(RedisJobQueue queue, JobLease lease, CancellationToken cancellationToken)
        {
            var period = TimeSpan.FromTicks(Math.Max(queue.options.ClaimMinIdle.Ticks / 3, TimeSpan.FromMilliseconds(50).Ticks));
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(period, queue.time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (cancellationToken.IsCancellationRequested) return;
                try
                {
                    var renewed = await queue.Database.StreamClaimIdsOnlyAsync(queue.options.StreamKey, queue.options.GroupName,
                        queue.options.ConsumerName, 0, [lease.DeliveryTag]).ConfigureAwait(false);
                    if (renewed.Length == 0)
                        queue.logger.LogDebug("Job {JobId} ({Entry}) is no longer pending; its claim needs no renewal.", lease.JobId, lease.DeliveryTag);
                }
                catch (Exception exception) when (exception is RedisException)
                {
                    queue.warning.Log(exception, $"Renewing the claim on job {lease.JobId}");
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            stop.Dispose();
        }
    }
}
