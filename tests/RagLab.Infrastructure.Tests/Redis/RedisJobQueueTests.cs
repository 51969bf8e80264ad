using RagLab.Infrastructure.Redis;
using RagLab.Testing;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Redis;

public sealed class RedisJobQueueTests : RedisServerTest
{
    private static CancellationToken Guard => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private RedisJobQueue Queue(string consumer, TimeSpan? claimMinIdle = null) => new(Redis, new RedisJobQueueOptions
    {
        ConsumerName = consumer,
        ClaimMinIdle = claimMinIdle ?? TimeSpan.FromMinutes(1),
        BlockTime = TimeSpan.FromMilliseconds(100),
    });

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
        Assert.Equal(2, await Redis.StreamPendingCountAsync("raglab:jobs", "workers", Guard));

        await queue.AcknowledgeAsync(first, Guard);
        await queue.AcknowledgeAsync(second, Guard);

        Assert.Equal(0, await Redis.StreamPendingCountAsync("raglab:jobs", "workers", Guard));
        Assert.Equal(0, (await Redis.ExecuteAsync("XLEN", ["raglab:jobs"], Guard)).AsInt64());
    }

    [Fact]
    public async Task A_waiting_worker_receives_a_job_enqueued_later()
    {
        var worker = Queue("worker-a");
        var waiting = worker.DequeueAsync(Guard);
        await Queue("api").EnqueueAsync("job-late", "ingest", Guard);
        Assert.Equal("job-late", (await waiting).JobId);
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
        Assert.Equal(0, await Redis.StreamPendingCountAsync("raglab:jobs", "workers", Guard));
        // Acknowledging again acknowledges nothing: the job was acknowledged exactly once.
        Assert.Equal(0, await Redis.StreamAcknowledgeAsync("raglab:jobs", "workers", redelivered.DeliveryTag, Guard));

        using var nothingLeft = new CancellationTokenSource(TimeSpan.FromMilliseconds(800));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => crashed.DequeueAsync(nothingLeft.Token));
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
        var queue = new RedisJobQueue(new RedisClient(Server.ConnectionOptions with { ReconnectWindow = TimeSpan.Zero }));

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => queue.EnqueueAsync("job-1", "ingest", Guard));
        Assert.StartsWith($"Redis at 127.0.0.1:{Server.Port} is unreachable; the upload was not accepted. Start Redis or remove ConnectionStrings:cache", error.Message);
    }
}
