using RagLab.Core.Jobs;
using RagLab.Infrastructure.Storage;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Storage;

public sealed class SqliteJobStoreTests : JobStoreTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresJobStoreTests(PostgresServer server) : JobStoreTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgresAsync(server);
}

/// <summary>Durable job records, the same code on SQLite and on Postgres.</summary>
public abstract class JobStoreTests : StoreTestBase
{
    private readonly SteppingClock _clock = new();
    private SqlJobStore _store = null!;

    protected override Task InitializeStoreAsync()
    {
        _store = new SqlJobStore(Engine.Database, _clock);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_job_goes_from_queued_to_succeeded_counting_its_attempts()
    {
        var job = await _store.CreateAsync("ingest-batch", """{"batch":"b1"}""", default);
        Assert.Equal(new JobCounts(1, 0), await _store.CountUnfinishedAsync(default));

        await _store.MarkRunningAsync(job.Id, default);
        await _store.ReportProgressAsync(job.Id, 1.7, "almost", default);
        var running = await _store.GetAsync(job.Id, default);
        Assert.Equal((JobStatus.Running, 1, 1.0, "almost"), (running!.Status, running.Attempts, running.Progress, running.Message));
        Assert.Equal(new JobCounts(0, 1), await _store.CountUnfinishedAsync(default));
        Assert.Equal([job.Id], (await _store.ListUnfinishedAsync(default)).Select(j => j.Id));

        await _store.CompleteAsync(job.Id, null, default);
        var done = await _store.GetAsync(job.Id, default);
        Assert.Equal((JobStatus.Succeeded, 1.0, null), (done!.Status, done.Progress, done.Message));
        Assert.Equal("""{"batch":"b1"}""", done.Payload);
        Assert.Equal(job.CreatedAt, done.CreatedAt);
        Assert.True(done.UpdatedAt > done.CreatedAt);
        Assert.Empty(await _store.ListUnfinishedAsync(default));
        Assert.Equal(new JobCounts(0, 0), await _store.CountUnfinishedAsync(default));
    }

    [Fact]
    public async Task A_failed_job_keeps_its_error_and_a_retry_clears_it()
    {
        var job = await _store.CreateAsync("embed", "{}", default);
        await _store.MarkRunningAsync(job.Id, default);
        await _store.FailAsync(job.Id, "model server gone", default);
        Assert.Equal((JobStatus.Failed, "model server gone"), ((await _store.GetAsync(job.Id, default))!.Status, (await _store.GetAsync(job.Id, default))!.Error));

        await _store.MarkRunningAsync(job.Id, default);
        var retried = await _store.GetAsync(job.Id, default);
        Assert.Equal((JobStatus.Running, 2, null), (retried!.Status, retried.Attempts, retried.Error));
    }

    [Fact]
    public async Task Jobs_list_newest_first_by_kind_and_unfinished_ones_oldest_first()
    {
        var first = await _store.CreateAsync("ingest-batch", "{}", default);
        var second = await _store.CreateAsync("embed", "{}", default);
        var third = await _store.CreateAsync("ingest-batch", "{}", default);

        Assert.Equal([third.Id, second.Id], (await _store.ListAsync(null, 2, default)).Select(j => j.Id));
        Assert.Equal([third.Id, first.Id], (await _store.ListAsync("ingest-batch", 10, default)).Select(j => j.Id));
        Assert.Equal([first.Id, second.Id, third.Id], (await _store.ListUnfinishedAsync(default)).Select(j => j.Id));
        Assert.Null(await _store.GetAsync("no-such-job", default));
    }

    /// <summary>A clock that moves one second each time it is read, so every write has its own time.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now = _now.AddSeconds(1);
    }
}
