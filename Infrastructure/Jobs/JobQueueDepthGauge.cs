using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Jobs;
using RagLab.Core.Telemetry;

namespace RagLab.Infrastructure.Jobs;

/// <summary>
/// The queue-depth gauge (<see cref="RagLabTelemetry.QueueDepthName"/>): unfinished jobs as the system of record counts them,
/// whichever queue delivers them (in-process or Redis Streams). Counted every <see cref="JobOptions.QueueDepthInterval"/>,
/// because a gauge's callback is synchronous and must not query the database.
/// </summary>
public sealed class JobQueueDepthGauge : BackgroundService
{
    private readonly IJobStore _store;
    private readonly IOptions<JobOptions> _options;
    private readonly ILogger<JobQueueDepthGauge> _logger;
    private readonly TimeProvider _time;
    private volatile JobCounts? _last;

    public JobQueueDepthGauge(IJobStore store, IMeterFactory meters, IOptions<JobOptions> options, ILogger<JobQueueDepthGauge> logger, TimeProvider? time = null)
    {
        _store = store;
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        // From the host's meter factory: the gauge goes away with the host (a test's or the CLI's) instead of living on.
        meters.Create(RagLabTelemetry.SourceName).CreateObservableGauge(RagLabTelemetry.QueueDepthName, Observe, "{job}",
            "Unfinished jobs in the system of record, by status (queued: waiting for a worker; running: taken by one).");
    }

    /// <summary>Counts the unfinished jobs now. Public so tests can sample deterministically.</summary>
    public async Task<JobCounts> SampleAsync(CancellationToken cancellationToken)
    {
        var counts = await _store.CountUnfinishedAsync(cancellationToken);
        _last = counts;
        return counts;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database is away: the gauge reports nothing rather than a stale count.
                _last = null;
                _logger.LogDebug(ex, "Could not count unfinished jobs for the queue-depth gauge");
            }
            await Task.Delay(_options.Value.QueueDepthInterval, _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private IEnumerable<Measurement<int>> Observe()
    {
        if (_last is not { } counts) yield break;
        yield return new Measurement<int>(counts.Queued, new KeyValuePair<string, object?>("job.status", "queued"));
        yield return new Measurement<int>(counts.Running, new KeyValuePair<string, object?>("job.status", "running"));
    }
}
