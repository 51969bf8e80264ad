using RagLab.Core.Caching;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Caching;

public sealed class MemoryAnswerCacheTests
{
    private static AnswerCacheKey Key(int i, string collection = "default") => new($"question {i}", "rag", "m", "bm25", 5, collection, 1);

    private static AnswerResult Answer(int i) =>
        new($"answer {i}", "rag", "m", false, [], false, new AnswerTimings(0, 0, 0), new TokenUsage(0, 0));

    [Fact]
    public async Task Holds_at_most_its_capacity_and_keeps_answering_after_many_times_that()
    {
        using var cache = new MemoryAnswerCache(TimeProvider.System, capacity: 1_000);
        for (var i = 0; i < 50_000; i++) await cache.SetAsync(Key(i), Answer(i), CancellationToken.None);

        Assert.True(cache.Count <= cache.Capacity, $"{cache.Count} answers held, capacity {cache.Capacity}");
        // Compaction runs in the background; once it has, new answers are taken again.
        for (var attempt = 0; attempt < 200 && cache.Count >= cache.Capacity; attempt++) await Task.Delay(10);
        await cache.SetAsync(Key(-1), Answer(-1), CancellationToken.None);
        Assert.Equal("answer -1", (await cache.GetAsync(Key(-1), CancellationToken.None))?.Answer);
    }

    [Fact]
    public async Task Invalidating_a_collection_drops_its_answers_only()
    {
        using var cache = new MemoryAnswerCache(TimeProvider.System);
        await cache.SetAsync(Key(1, "a"), Answer(1), CancellationToken.None);
        await cache.SetAsync(Key(2, "b"), Answer(2), CancellationToken.None);

        await cache.InvalidateCollectionAsync("a", CancellationToken.None);

        Assert.Null(await cache.GetAsync(Key(1, "a"), CancellationToken.None));
        Assert.Equal("answer 2", (await cache.GetAsync(Key(2, "b"), CancellationToken.None))?.Answer);
        await cache.SetAsync(Key(3, "a"), Answer(3), CancellationToken.None); // the collection caches again afterwards
        Assert.Equal("answer 3", (await cache.GetAsync(Key(3, "a"), CancellationToken.None))?.Answer);
    }

    [Fact]
    public async Task Invalidating_a_collection_of_many_answers_drops_every_one_and_leaves_others_alone()
    {
        using var cache = new MemoryAnswerCache(TimeProvider.System, capacity: 30_000);
        for (var i = 0; i < 20_000; i++) await cache.SetAsync(Key(i, "big"), Answer(i), CancellationToken.None);
        for (var i = 0; i < 100; i++) await cache.SetAsync(Key(i, "small"), Answer(i), CancellationToken.None);

        await cache.InvalidateCollectionAsync("big", CancellationToken.None);

        for (var i = 0; i < 20_000; i++)
            Assert.Null(await cache.GetAsync(Key(i, "big"), CancellationToken.None));
        for (var i = 0; i < 100; i++)
            Assert.Equal($"answer {i}", (await cache.GetAsync(Key(i, "small"), CancellationToken.None))?.Answer);
        // Invalidated answers are dropped as they are looked up: they stop taking room.
        Assert.Equal(100, cache.Count);
    }

    [Fact]
    public async Task Stores_racing_invalidations_never_fail_and_no_answer_stored_before_the_last_invalidation_is_served()
    {
        using var cache = new MemoryAnswerCache(TimeProvider.System, capacity: 100_000);
        // Fixed amounts of work on both sides, no waiting: a store may meet an invalidation at any point.
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 20_000; i++)
                await cache.SetAsync(Key(w * 1_000_000 + i % 5_000, "a"), Answer(i), CancellationToken.None);
        }));
        var invalidator = Task.Run(async () =>
        {
            for (var i = 0; i < 20_000; i++)
                await cache.InvalidateCollectionAsync("a", CancellationToken.None);
        });
        await Task.WhenAll([.. writers, invalidator]);

        await cache.InvalidateCollectionAsync("a", CancellationToken.None);
        for (var w = 0; w < 2; w++)
            for (var i = 0; i < 5_000; i++)
                Assert.Null(await cache.GetAsync(Key(w * 1_000_000 + i, "a"), CancellationToken.None));
        await cache.SetAsync(Key(7, "a"), Answer(7), CancellationToken.None);
        Assert.Equal("answer 7", (await cache.GetAsync(Key(7, "a"), CancellationToken.None))?.Answer);
    }
}
