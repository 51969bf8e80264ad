using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagLab.Core.Jobs;
using RagLab.Infrastructure.Storage;
using RagLab.Infrastructure.Jobs;

namespace RagLab.Core.Tests.Jobs;

public sealed class JobProcessorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "raglab-jobs-" + Guid.NewGuid().ToString("n"));
    private readonly SqlJobStore _store;

    public JobProcessorTests() => _store = new SqlJobStore(new SqliteDatabase(Path.Combine(_dir, "raglab.db")), TimeProvider.System);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Counts runs; can be told to throw, or to block until cancelled (a process that dies mid-job).</summary>
    private sealed class RecordingHandler(Func<JobRecord, CancellationToken, Task>? body = null) : IJobHandler
    {
        public List<string> Runs { get; } = [];
        public List<(string JobId, string Error)> Failures { get; } = [];
        public string Kind => "test";

        public async Task RunAsync(JobRecord job, IJobProgress progress, CancellationToken cancellationToken)
        {
            lock (Runs) Runs.Add(job.Id);
            await progress.ReportAsync(0.5, "halfway", cancellationToken);
            if (body is not null) await body(job, cancellationToken);
        }

        public Task OnFailedAsync(JobRecord job, string error, CancellationToken cancellationToken)
        {
            Failures.Add((job.Id, error));
            return Task.CompletedTask;
        }
    }

    private JobProcessor Processor(IJobQueue queue, IJobHandler handler, int maxAttempts = 3) =>
        new(queue, _store, [handler], Options.Create(new JobOptions { Concurrency = 1, MaxAttempts = maxAttempts }), NullLogger<JobProcessor>.Instance);

    private async Task<JobRecord> WaitForAsync(string jobId, params JobStatus[] statuses)
    {
        for (var i = 0; i < 400; i++)
        {
            var job = await _store.GetAsync(jobId, default);
            if (job is not null && statuses.Contains(job.Status)) return job;
            await Task.Delay(25);
        }
        throw new TimeoutException($"Job {jobId} never reached {string.Join("/", statuses)}.");
    }

    [Fact]
    public async Task A_job_interrupted_by_a_restart_is_resumed_and_completes()
    {
        var job = await _store.CreateAsync("test", "{}", default);
        var started = new TaskCompletionSource();
        var dying = new RecordingHandler(async (_, ct) => { started.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); });
        var first = Processor(new ChannelJobQueue(), dying);
        await first.StartAsync(default);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await first.StopAsync(default); // the process goes away mid-job

        var interrupted = await _store.GetAsync(job.Id, default);
        Assert.Equal(JobStatus.Running, interrupted!.Status);

        var healthy = new RecordingHandler();
        var second = Processor(new ChannelJobQueue(), healthy);
        await second.StartAsync(default);
        var done = await WaitForAsync(job.Id, JobStatus.Succeeded);
        await second.StopAsync(default);

        Assert.Equal([job.Id], healthy.Runs);
        Assert.Equal(1.0, done.Progress);
        Assert.Equal(2, done.Attempts);
    }

    [Fact]
    public async Task A_failing_job_is_marked_failed_with_its_message_and_the_handler_is_told()
    {
        var job = await _store.CreateAsync("test", "{}", default);
        var handler = new RecordingHandler((_, _) => throw new InvalidOperationException("The file is corrupt."));
        var queue = new ChannelJobQueue();
        await queue.EnqueueAsync(job.Id, job.Kind, default);
        await Processor(queue, handler).ProcessAsync(await queue.DequeueAsync(default), default);

        var failed = await _store.GetAsync(job.Id, default);
        Assert.Equal(JobStatus.Failed, failed!.Status);
        Assert.Equal("The file is corrupt.", failed.Error);
        Assert.Equal([(job.Id, "The file is corrupt.")], handler.Failures);
    }

    [Fact]
    public async Task A_redelivered_job_that_already_succeeded_does_not_run_again()
    {
        var job = await _store.CreateAsync("test", "{}", default);
        var handler = new RecordingHandler();
        var processor = Processor(new ChannelJobQueue(), handler);
        var lease = new JobLease(job.Id, job.Kind, "1");
        await processor.ProcessAsync(lease, default);
        await processor.ProcessAsync(lease, default);
        Assert.Single(handler.Runs);
    }

    [Fact]
    public async Task The_job_span_continues_the_trace_that_queued_the_job()
    {
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == RagLab.Core.Telemetry.RagLabTelemetry.ActivitySource.Name,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        var job = await _store.CreateAsync("test", "{}", default);
        System.Diagnostics.Activity? seen = null;
        var handler = new RecordingHandler((_, _) => { seen = System.Diagnostics.Activity.Current; return Task.CompletedTask; });
        const string upload = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        await Processor(new ChannelJobQueue(), handler).ProcessAsync(new JobLease(job.Id, job.Kind, "x", upload, "raglab=1"), default);

        Assert.NotNull(seen);
        Assert.Equal("job", seen.OperationName);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", seen.TraceId.ToHexString());
        Assert.Equal("00f067aa0ba902b7", seen.ParentSpanId.ToHexString());
        Assert.Equal("raglab=1", seen.TraceStateString);
    }

    [Fact]
    public async Task A_job_that_keeps_dying_is_given_up_after_max_attempts()
    {
        var job = await _store.CreateAsync("test", "{}", default);
        for (var i = 0; i < 2; i++) await _store.MarkRunningAsync(job.Id, default); // two runs that never finished
        var handler = new RecordingHandler();
        await Processor(new ChannelJobQueue(), handler, maxAttempts: 2).ProcessAsync(new JobLease(job.Id, job.Kind, "x"), default);

        var failed = await _store.GetAsync(job.Id, default);
        Assert.Equal(JobStatus.Failed, failed!.Status);
        Assert.Contains("2 attempts", failed.Error);
        Assert.Empty(handler.Runs);
        Assert.Single(handler.Failures);
    }

    [Fact]
    public async Task Progress_is_visible_while_the_job_runs()
    {
        var job = await _store.CreateAsync("test", "{}", default);
        var observed = new TaskCompletionSource<JobRecord>();
        var handler = new RecordingHandler(async (j, ct) => observed.TrySetResult((await _store.GetAsync(j.Id, ct))!));
        await Processor(new ChannelJobQueue(), handler).ProcessAsync(new JobLease(job.Id, job.Kind, "x"), default);

        var midway = await observed.Task;
        Assert.Equal(JobStatus.Running, midway.Status);
        Assert.Equal(0.5, midway.Progress);
        Assert.Equal("halfway", midway.Message);
    }
}
