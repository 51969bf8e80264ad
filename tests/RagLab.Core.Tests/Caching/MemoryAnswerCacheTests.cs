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
}
