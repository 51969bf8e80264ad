using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Jobs;
using RagLab.Core.Telemetry;

namespace RagLab.Infrastructure.Jobs;

/// <summary>
/// Runs queued jobs with their <see cref="IJobHandler"/>. Hosted by the Api in embedded mode and by the Worker under Aspire.
/// A job is acknowledged only after it finished, so a crash mid-job means it is delivered again; a job already
/// marked succeeded is acknowledged without running twice.
/// The job store is the source of truth: a non-durable queue is refilled from it at start, and a durable one (Redis) is
/// compared with it every <see cref="JobOptions.RequeueInterval"/>, so jobs it lost (Redis restarted empty) are queued again.
/// </summary>
public sealed class JobProcessor(
    IJobQueue queue,
    IJobStore store,
    IEnumerable<IJobHandler> handlers,
    IOptions<JobOptions> options,
    ILogger<JobProcessor> logger,
    TimeProvider? time = null) : BackgroundService
{
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // Job id → delivery tag of the jobs running in this process: a second delivery of one of them must not run it twice.
    private readonly ConcurrentDictionary<string, string> _running = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        if (!queue.IsDurable)
        {
            foreach (var job in await store.ListUnfinishedAsync(stoppingToken))
            {
                logger.LogInformation("Resuming {Kind} job {JobId} ({Status}) after restart", job.Kind, job.Id, job.Status);
                await queue.EnqueueAsync(job.Id, job.Kind, stoppingToken);
            }
        }
        var workers = Enumerable.Range(0, Math.Max(1, options.Value.Concurrency)).Select(_ => RunWorkerAsync(stoppingToken)).ToList();
        if (queue.IsDurable) workers.Add(RunRequeueLoopAsync(stoppingToken));
        await Task.WhenAll(workers);
    }

    /// <summary>
    /// Queues again every unfinished job that the durable queue does not hold and whose record has been still for
    /// <see cref="JobOptions.RequeueAfter"/>. A job queued twice this way still runs once: a finished job is skipped, and
    /// one running in this process is not started again. Public so tests can run one pass deterministically.
    /// </summary>
    /// <returns>The ids of the jobs queued again.</returns>
    public async Task<IReadOnlyList<string>> RequeueLostJobsAsync(CancellationToken cancellationToken)
    {
        var unfinished = await store.ListUnfinishedAsync(cancellationToken);
        if (unfinished.Count == 0) return [];
        var queued = await queue.ListQueuedJobIdsAsync(cancellationToken);
        if (queued is null) return [];

        var now = _time.GetUtcNow();
        var requeued = new List<string>();
        foreach (var job in unfinished)
        {
            if (queued.Contains(job.Id) || _running.ContainsKey(job.Id) || now - job.UpdatedAt < options.Value.RequeueAfter) continue;
            logger.LogWarning("{Kind} job {JobId} ({Status}) is unfinished but no longer in the queue (did Redis restart without its data?); queuing it again",
                job.Kind, job.Id, job.Status);
            await queue.EnqueueAsync(job.Id, job.Kind, cancellationToken);
            requeued.Add(job.Id);
        }
        return requeued;
    }

    private async Task RunRequeueLoopAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RequeueInterval > TimeSpan.Zero ? options.Value.RequeueInterval : TimeSpan.FromSeconds(30);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RequeueLostJobsAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Redis down: the next pass catches up once it is back.
                logger.LogDebug(ex, "Could not compare the job queue with the job store; trying again in {Interval}", interval);
            }
            await Task.Delay(interval, _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RunWorkerAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            JobLease lease;
            try
            {
                lease = await queue.DequeueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not take a job from the queue; retrying");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }
            try
            {
                await ProcessAsync(lease, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // E.g. Redis went away before the acknowledgement: the lease stays pending and the job is delivered again,
                // where it is seen as finished. This loop must survive it, or the host would stop taking jobs.
                logger.LogWarning(ex, "Job {JobId} could not be settled with the queue; it will be delivered again", lease.JobId);
            }
        }
    }

    /// <summary>Runs one delivered job to completion or failure. Public so tests and the CLI can drive jobs deterministically.</summary>
    public async Task ProcessAsync(JobLease lease, CancellationToken cancellationToken)
    {
        if (!_running.TryAdd(lease.JobId, lease.DeliveryTag))
        {
            // Delivered again while this process runs it (requeued, or reclaimed as idle). The running delivery acknowledges
            // its own lease; a different entry for the same job is redundant and removed, the same entry is left alone.
            logger.LogInformation("Job {JobId} is already running in this process; not starting it twice", lease.JobId);
            if (_running.TryGetValue(lease.JobId, out var tag) && tag != lease.DeliveryTag) await queue.AcknowledgeAsync(lease, cancellationToken);
            return;
        }
        try
        {
            await ProcessClaimedAsync(lease, cancellationToken);
        }
        finally
        {
            _running.TryRemove(lease.JobId, out _);
        }
    }

    private async Task ProcessClaimedAsync(JobLease lease, CancellationToken cancellationToken)
    {
        var job = await store.GetAsync(lease.JobId, cancellationToken);
        if (job is null || job.Status is JobStatus.Succeeded or JobStatus.Failed)
        {
            // Redelivered after it finished (e.g. the worker died between completing and acknowledging): nothing to redo.
            await queue.AcknowledgeAsync(lease, cancellationToken);
            return;
        }
        if (!_handlers.TryGetValue(job.Kind, out var handler))
        {
            await store.FailAsync(job.Id, $"No handler for job kind '{job.Kind}' in this process.", cancellationToken);
            await queue.AcknowledgeAsync(lease, cancellationToken);
            return;
        }
        await RunAsync(lease, job, handler, cancellationToken);
    }

    private async Task RunAsync(JobLease lease, JobRecord job, IJobHandler handler, CancellationToken cancellationToken)
    {
        if (job.Attempts >= options.Value.MaxAttempts)
        {
            await FailForGoodAsync(handler, job, $"Gave up after {job.Attempts} attempts; the last one did not finish (the process stopped?).", cancellationToken);
            await queue.AcknowledgeAsync(lease, cancellationToken);
            return;
        }

        // The job's span continues the trace of the request that queued it (the Api), across the queue.
        ActivityContext.TryParse(lease.TraceParent, lease.TraceState, out var parent);
        using var activity = RagLabTelemetry.ActivitySource.StartActivity("job", ActivityKind.Consumer, parent);
        activity?.SetTag("job.id", job.Id);
        activity?.SetTag("job.kind", job.Kind);
        await using var hold = queue.HoldLease(lease);
        await store.MarkRunningAsync(job.Id, cancellationToken);
        var started = _time.GetTimestamp();
        try
        {
            var progress = new StoreJobProgress(store, job.Id);
            await handler.RunAsync(job, progress, cancellationToken);
            await store.CompleteAsync(job.Id, progress.Outcome, cancellationToken);
            RagLabTelemetry.RecordJobDuration(job.Kind, "succeeded", _time.GetElapsedTime(started));
            await queue.AcknowledgeAsync(lease, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: leave it unacknowledged and running; it is resumed at the next start.
            logger.LogInformation("Job {JobId} interrupted by shutdown; it will resume at the next start", job.Id);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "{Kind} job {JobId} failed", job.Kind, job.Id);
            await FailForGoodAsync(handler, job, ex.Message, CancellationToken.None);
            RagLabTelemetry.RecordJobDuration(job.Kind, "failed", _time.GetElapsedTime(started));
            await queue.AcknowledgeAsync(lease, CancellationToken.None);
        }
    }

    private async Task FailForGoodAsync(IJobHandler handler, JobRecord job, string error, CancellationToken cancellationToken)
    {
        await store.FailAsync(job.Id, error, cancellationToken);
        await handler.OnFailedAsync(job, error, cancellationToken);
    }

    private sealed class StoreJobProgress(IJobStore store, string jobId) : IJobProgress
    {
        /// <summary>What the handler said it achieved; the job's message once it has succeeded.</summary>
        public string? Outcome { get; private set; }

        public Task ReportAsync(double fraction, string? message, CancellationToken cancellationToken) =>
            store.ReportProgressAsync(jobId, fraction, message, cancellationToken);

        public void ReportOutcome(string message) => Outcome = message;
    }
}
