using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagLab.Core.Jobs;
using RagLab.Core.Telemetry;
using RagLab.Infrastructure.Jobs;
using RagLab.Infrastructure.Storage;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Jobs;

/// <summary>RagLab's job metrics as a MeterListener (what OpenTelemetry's exporter subscribes with) sees them.</summary>
public sealed class JobMetricsTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private readonly SteppedClock _clock = new();
    private SqlJobStore _store = null!;

    public Task InitializeAsync()
    {
        _store = new SqlJobStore(_database.Database, _clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task The_queue_depth_gauge_reports_queued_and_running_jobs_from_the_store()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var gauge = new JobQueueDepthGauge(_store, meters, Options.Create(new JobOptions()), NullLogger<JobQueueDepthGauge>.Instance);
        var running = await _store.CreateAsync("ingest-batch", "{}", default);
        await _store.CreateAsync("ingest-batch", "{}", default);
        await _store.CreateAsync("embed", "{}", default);
        await _store.MarkRunningAsync(running.Id, default);
        var finished = await _store.CreateAsync("embed", "{}", default);
        await _store.CompleteAsync(finished.Id, null, default);

        Assert.Empty(Observe(meters)); // nothing counted yet: no number rather than a made-up zero
        await gauge.SampleAsync(default);

        Assert.Equal([("queued", 2), ("running", 1)], Observe(meters).OrderBy(m => m.Status));
    }

    [Fact]
    public async Task Each_finished_job_records_its_duration_with_its_kind_and_outcome()
    {
        var kind = "metrics-" + Guid.NewGuid().ToString("n");
        var handler = new ClockHandler(kind, _clock);
        var processor = new JobProcessor(new ChannelJobQueue(), _store, [handler], Options.Create(new JobOptions()), NullLogger<JobProcessor>.Instance, _clock);
        var recorded = new List<(double Milliseconds, string? Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RagLabTelemetry.SourceName && instrument.Name == "raglab.job.duration") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            var tagged = tags.ToArray().ToDictionary(t => t.Key, t => t.Value as string);
            // Other tests' jobs may finish meanwhile: only this test's kind counts.
            if (tagged.GetValueOrDefault("job.kind") == kind) lock (recorded) recorded.Add((value, tagged.GetValueOrDefault("job.outcome")));
        });
        listener.Start();

        var succeeds = await _store.CreateAsync(kind, """{"seconds":1.5,"fail":false}""", default);
        var fails = await _store.CreateAsync(kind, """{"seconds":0.25,"fail":true}""", default);
        await processor.ProcessAsync(new JobLease(succeeds.Id, kind, "1"), default);
        await processor.ProcessAsync(new JobLease(fails.Id, kind, "2"), default);

        Assert.Equal([(1500.0, "succeeded"), (250.0, "failed")], recorded);
    }

    private List<(string Status, int Count)> Observe(IMeterFactory meters)
    {
        var seen = new List<(string, int)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            // Only the gauge of this test's meter factory: the test host of another test may have one too.
            if (instrument.Meter.Scope == meters && instrument.Name == RagLabTelemetry.QueueDepthName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, value, tags, _) => seen.Add(((string)tags.ToArray().Single(t => t.Key == "job.status").Value!, value)));
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }

    /// <summary>A job that takes the time its payload says on the test's clock, then succeeds or throws.</summary>
    private sealed class ClockHandler(string kind, SteppedClock clock) : IJobHandler
    {
        public string Kind => kind;

        public Task RunAsync(JobRecord job, IJobProgress progress, CancellationToken cancellationToken)
        {
            using var payload = System.Text.Json.JsonDocument.Parse(job.Payload);
            clock.Advance(TimeSpan.FromSeconds(payload.RootElement.GetProperty("seconds").GetDouble()));
            return payload.RootElement.GetProperty("fail").GetBoolean() ? throw new InvalidOperationException("the handler failed") : Task.CompletedTask;
        }

        public Task OnFailedAsync(JobRecord job, string error, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A clock that moves only when told, for wall time and for elapsed-time stamps alike.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _ticks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

        public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}
