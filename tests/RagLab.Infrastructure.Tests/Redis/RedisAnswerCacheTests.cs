using RagLab.Infrastructure.Redis;
using RagLab.Testing;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Redis;

public sealed class RedisAnswerCacheTests : RedisServerTest
{
    private static AnswerCacheKey Key(string question, string collection = "docs", long generation = 1) =>
        new(question, AnswerModeNames.Rag, "llama3.2:1b", "hybrid", 5, collection, generation);

    private static AnswerResult Answer(string text) => new(
        text, AnswerModeNames.Rag, "llama3.2:1b", Extractive: false,
        [new Citation("c1", "d1", "handbook.md", "Refunds take 5 days.")],
        Cached: false, new AnswerTimings(1.5, 20.25, 22), new TokenUsage(120, 30),
        Retriever: "hybrid", Retrieved: ["c1", "c2"], Warnings: ["dropped [9]"]);

    [Fact]
    public async Task A_stored_answer_comes_back_whole_and_marked_cached()
    {
        var cache = new RedisAnswerCache(Redis);
        Assert.Null(await cache.GetAsync(Key("how long do refunds take"), CancellationToken.None));

        var answer = Answer("Five days [1].");
        await cache.SetAsync(Key("how long do refunds take"), answer, CancellationToken.None);
        var cached = await cache.GetAsync(Key("how long do refunds take"), CancellationToken.None);

        Assert.NotNull(cached);
        Assert.True(cached.Cached);
        Assert.Equal(answer.Answer, cached.Answer);
        Assert.Equal(answer.Citations, cached.Citations);
        Assert.Equal(answer.Timings, cached.Timings);
        Assert.Equal(answer.Usage, cached.Usage);
        Assert.Equal(answer.Retrieved, cached.Retrieved);
        Assert.Equal(answer.Warnings, cached.Warnings);
        // A new index generation is a different key: a re-ingested collection is never answered from stale entries.
        Assert.Null(await cache.GetAsync(Key("how long do refunds take", generation: 2), CancellationToken.None));
    }

    [Fact]
    public async Task Entries_are_camelCase_json_under_the_collection_key_and_expire()
    {
        var cache = new RedisAnswerCache(Redis, new RedisAnswerCacheOptions { TimeToLive = TimeSpan.FromMinutes(10) });
        var key = Key("q");
        await cache.SetAsync(key, Answer("a"), CancellationToken.None);

        var redisKey = $"raglab:answer:docs:{key.ToKeyString()}";
        var json = (string?)await Database.StringGetAsync(redisKey);
        Assert.NotNull(json);
        Assert.Contains("\"answer\":\"a\"", json);
        var ttl = await Database.KeyTimeToLiveAsync(redisKey);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));

        var shortLived = new RedisAnswerCache(Redis, new RedisAnswerCacheOptions { TimeToLive = TimeSpan.FromMilliseconds(50) });
        await shortLived.SetAsync(Key("brief"), Answer("soon gone"), CancellationToken.None);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await shortLived.GetAsync(Key("brief"), CancellationToken.None) is not null)
            await Task.Delay(20, timeout.Token);
    }

    [Fact]
    public async Task Invalidating_a_collection_removes_only_its_entries()
    {
        var cache = new RedisAnswerCache(Redis);
        for (var i = 0; i < 1200; i++)
            await cache.SetAsync(Key($"question {i}", "docs"), Answer($"answer {i}"), CancellationToken.None);
        await cache.SetAsync(Key("kept", "docs-archive"), Answer("other collection"), CancellationToken.None);
        await cache.SetAsync(Key("kept", "other"), Answer("other collection"), CancellationToken.None);

        await cache.InvalidateCollectionAsync("docs", CancellationToken.None);

        Assert.Null(await cache.GetAsync(Key("question 0", "docs"), CancellationToken.None));
        Assert.Null(await cache.GetAsync(Key("question 1199", "docs"), CancellationToken.None));
        Assert.NotNull(await cache.GetAsync(Key("kept", "docs-archive"), CancellationToken.None));
        Assert.NotNull(await cache.GetAsync(Key("kept", "other"), CancellationToken.None));
        var remaining = await Redis.GetServers()[0].KeysAsync(pattern: "raglab:answer:docs:*", pageSize: 1000).CountAsync();
        Assert.Equal(0, remaining);
    }

    [Fact]
    public async Task When_redis_is_down_lookups_miss_and_stores_are_skipped_without_throwing()
    {
        var cache = new RedisAnswerCache(Redis);
        await cache.SetAsync(Key("before"), Answer("stored"), CancellationToken.None);
        await Server.StopAsync();

        Assert.Null(await cache.GetAsync(Key("before"), CancellationToken.None));
        await cache.SetAsync(Key("during"), Answer("dropped"), CancellationToken.None);
        await cache.InvalidateCollectionAsync("docs", CancellationToken.None);
        Assert.Null(await cache.GetAsync(Key("during"), CancellationToken.None));
    }
}
