using System.Diagnostics;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.Redis;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Redis;

public sealed class RedisJobQueueTests : RedisServerTest
{
    private const string Stream = "raglab:jobs";
    private const string Group = "workers";

    private static CancellationToken Guard => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private RedisJobQueue Queue(string consumer, TimeSpan? claimMinIdle = null, TimeSpan? pollInterval = null) => new(Redis, new RedisJobQueueOptions
    {
        ConsumerName = consumer,
        ClaimMinIdle = claimMinIdle ?? TimeSpan.FromMinutes(1),
        PollInterval = pollInterval ?? TimeSpan.FromMilliseconds(100),
    });

    private async Task<long> PendingAsync() => (await Database.StreamPendingAsync(Stream, Group)).PendingMessageCount;

    [Fact]
    public async Task Enqueued_jobs_are_dequeued_in_order_and_acknowledged()
    {
        var queue = Queue("worker-a");
        await queue.EnqueueAsync("job-1", "ingest", Guard);
        await queue.EnqueueAsync("job-2", "eval", Guard);

        var first = await queue.DequeueAsync(Guard);
        var second = await queue.DequeueAsync(Guard);
        Assert.Equal(("job-1", "ingest"), (first.JobId, first.Kind));
        Assert.Equal(("job-2", "eval"), (second.JobId, second.Kind));
        Assert.NotEqual(first.DeliveryTag, second.DeliveryTag);
        Assert.Equal(2, await PendingAsync());

        await queue.AcknowledgeAsync(first, Guard);
        await queue.AcknowledgeAsync(second, Guard);

        Assert.Equal(0, await PendingAsync());
        Assert.Equal(0, await Database.StreamLengthAsync(Stream));
    }

    [Fact]
    public async Task A_waiting_worker_is_woken_by_a_job_enqueued_later_without_waiting_for_its_next_poll()
    {
        var worker = Queue("worker-a", pollInterval: TimeSpan.FromMinutes(5));
        var waiting = worker.DequeueAsync(Guard);
        await Task.Delay(300); // the worker has polled once, found nothing and now waits
        Assert.False(waiting.IsCompleted);

        await Queue("api").EnqueueAsync("job-late", "ingest", Guard);

        Assert.Equal("job-late", (await waiting.WaitAsync(TimeSpan.FromSeconds(20))).JobId);
    }

    [Fact]
    public async Task A_job_never_acknowledged_by_a_crashed_worker_is_redelivered_to_another_and_acknowledged_once()
    {
        var crashed = Queue("worker-a", TimeSpan.FromMilliseconds(300));
        var survivor = Queue("worker-b", TimeSpan.FromMilliseconds(300));
        await crashed.EnqueueAsync("job-1", "ingest", Guard);

        var abandoned = await crashed.DequeueAsync(Guard); // worker A dies here without acknowledging
        var redelivered = await survivor.DequeueAsync(Guard);

        Assert.Equal("job-1", redelivered.JobId);
        Assert.Equal(abandoned.DeliveryTag, redelivered.DeliveryTag);
        await survivor.AcknowledgeAsync(redelivered, Guard);
        Assert.Equal(0, await PendingAsync());
        // Acknowledging again acknowledges nothing: the job was acknowledged exactly once.
        Assert.Equal(0, await Database.StreamAcknowledgeAsync(Stream, Group, redelivered.DeliveryTag));

        using var nothingLeft = new CancellationTokenSource(TimeSpan.FromMilliseconds(800));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => crashed.DequeueAsync(nothingLeft.Token));
    }

    [Fact]
    public async Task A_held_job_that_runs_longer_than_the_claim_idle_time_is_not_given_to_another_worker()
    {
        var busy = Queue("worker-a", TimeSpan.FromSeconds(1));
        var other = Queue("worker-b", TimeSpan.FromSeconds(1));
        await busy.EnqueueAsync("slow-job", "ingest", Guard);
        var lease = await busy.DequeueAsync(Guard);

        await using (busy.HoldLease(lease))
        {
            // Four times the idle limit: without renewal worker B would have claimed it. (A second, not less: renewals must
            // keep up on a loaded machine, and what is tested is that they happen, not how fast.)
            using var whileRunning = new CancellationTokenSource(TimeSpan.FromSeconds(4));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => other.DequeueAsync(whileRunning.Token));
        }

        // Once the hold ends without an acknowledgement (the worker died), the job is redelivered as before.
        var redelivered = await other.DequeueAsync(Guard);
        Assert.Equal(lease.DeliveryTag, redelivered.DeliveryTag);
    }

    [Fact]
    public async Task The_trace_context_of_the_enqueuing_request_travels_with_the_job()
    {
        var queue = Queue("worker-a");
        using (var upload = new Activity("upload").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            upload.TraceStateString = "raglab=1";
            await queue.EnqueueAsync("traced", "ingest", Guard);
            var lease = await queue.DequeueAsync(Guard);

            Assert.Equal(upload.Id, lease.TraceParent);
            Assert.Equal("raglab=1", lease.TraceState);
            Assert.True(ActivityContext.TryParse(lease.TraceParent, lease.TraceState, out var parent));
            Assert.Equal(upload.TraceId, parent.TraceId);
        }

        Assert.Null(Activity.Current);
        await queue.EnqueueAsync("untraced", "ingest", Guard);
        Assert.Null((await queue.DequeueAsync(Guard)).TraceParent);
    }

    [Fact]
    public async Task The_consumer_group_is_recreated_when_redis_restarts_empty()
    {
        var queue = Queue("worker-a");
        await queue.EnqueueAsync("before", "ingest", Guard);
        await queue.AcknowledgeAsync(await queue.DequeueAsync(Guard), Guard);
        await Server.RestartAsync(Guard);

        await queue.EnqueueAsync("after", "ingest", Guard);
        Assert.Equal("after", (await queue.DequeueAsync(Guard)).JobId);
    }

    [Fact]
    public async Task Enqueue_when_redis_is_down_says_the_upload_was_not_accepted()
    {
        await Server.StopAsync(Guard);
        var queue = new RedisJobQueue(Redis, new RedisJobQueueOptions { ReconnectWait = TimeSpan.FromMilliseconds(500) });

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => queue.EnqueueAsync("job-1", "ingest", Guard));
        Assert.StartsWith($"Redis at 127.0.0.1:{Server.Port} is unreachable; the upload was not accepted. Start Redis or remove ConnectionStrings:cache", error.Message);
    }
}
