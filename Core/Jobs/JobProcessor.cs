using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RagLab.Core.Jobs;

/// <summary>
/// Runs queued jobs with their <see cref="IJobHandler"/>. Hosted by the Api in embedded mode and by the Worker under Aspire.
/// A job is acknowledged only after it finished, so a crash mid-job means it is delivered again; a job already
/// marked succeeded is acknowledged without running twice.
/// </summary>
public sealed class JobProcessor(
    IJobQueue queue,
    IJobStore store,
    IEnumerable<IJobHandler> handlers,
    IOptions<JobOptions> options,
    ILogger<JobProcessor> logger) : BackgroundService
{
    private readonly Dictionary<string, IJobHandler> _handlers = handlers.ToDictionary(h => h.Kind, StringComparer.Ordinal);

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
        var workers = Enumerable.Range(0, Math.Max(1, options.Value.Concurrency)).Select(_ => RunWorkerAsync(stoppingToken));
        await Task.WhenAll(workers);
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
            await ProcessAsync(lease, stoppingToken);
        }
    }

    /// <summary>Runs one delivered job to completion or failure. Public so tests and the CLI can drive jobs deterministically.</summary>
    public async Task ProcessAsync(JobLease lease, CancellationToken cancellationToken)
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
        if (job.Attempts >= options.Value.MaxAttempts)
        {
            await FailForGoodAsync(handler, job, $"Gave up after {job.Attempts} attempts; the last one did not finish (the process stopped?).", cancellationToken);
            await queue.AcknowledgeAsync(lease, cancellationToken);
            return;
        }

        await store.MarkRunningAsync(job.Id, cancellationToken);
        try
        {
            await handler.RunAsync(job, new StoreJobProgress(store, job.Id), cancellationToken);
            await store.CompleteAsync(job.Id, cancellationToken);
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
        public Task ReportAsync(double fraction, string? message, CancellationToken cancellationToken) =>
            store.ReportProgressAsync(jobId, fraction, message, cancellationToken);
    }
}
