using Microsoft.Extensions.AI;
using RagLab.Infrastructure.Redis;
using RagLab.Core.Caching;
using RagLab.Testing;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Redis;

public sealed class EmbeddingCacheTests : RedisServerTest
{
    /// <summary>Embeds text as [length, first char, model marker] and records every batch it was asked for.</summary>
    private sealed class RecordingEmbeddingGenerator(string model) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public List<string[]> Batches { get; } = [];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var batch = values.ToArray();
            Batches.Add(batch);
            var embeddings = batch.Select(text => new Embedding<float>(new float[] { text.Length, text[0], model.Length, 0.1f }) { ModelId = model });
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(embeddings));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("test", null, model) : null;

        public void Dispose() { }
    }

    public static TheoryData<string> Backends => ["memory", "redis"];

    private IEmbeddingCache Create(string backend) => backend == "redis" ? new RedisEmbeddingCache(Redis) : new MemoryEmbeddingCache();

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Second_call_embeds_nothing_and_returns_the_same_vectors(string backend)
    {
        var inner = new RecordingEmbeddingGenerator("all-minilm");
        using var generator = new CachingEmbeddingGenerator(inner, Create(backend));

        var first = await generator.GenerateAsync(["alpha", "beta", "alpha"]);
        var second = await generator.GenerateAsync(["beta", "alpha"]);

        Assert.Single(inner.Batches);
        Assert.Equal(["alpha", "beta"], inner.Batches[0]); // duplicates embedded once
        Assert.Equal(3, first.Count);
        Assert.Equal(first[0].Vector.ToArray(), first[2].Vector.ToArray());
        Assert.Equal(first[1].Vector.ToArray(), second[0].Vector.ToArray());
        Assert.Equal(first[0].Vector.ToArray(), second[1].Vector.ToArray());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Only_misses_are_embedded_and_results_keep_input_order(string backend)
    {
        var inner = new RecordingEmbeddingGenerator("all-minilm");
        using var generator = new CachingEmbeddingGenerator(inner, Create(backend));
        await generator.GenerateAsync(["known"]);

        var result = await generator.GenerateAsync(["new one", "known", "zz"]);

        Assert.Equal(["new one", "zz"], inner.Batches[1]);
        Assert.Equal([7f, 'n'], result[0].Vector.ToArray()[..2]);
        Assert.Equal([5f, 'k'], result[1].Vector.ToArray()[..2]);
        Assert.Equal([2f, 'z'], result[2].Vector.ToArray()[..2]);
    }

    [Fact]
    public async Task Different_models_do_not_share_entries()
    {
        var cache = new RedisEmbeddingCache(Redis);
        using var small = new CachingEmbeddingGenerator(new RecordingEmbeddingGenerator("m1"), cache);
        var bigInner = new RecordingEmbeddingGenerator("model-two");
        using var big = new CachingEmbeddingGenerator(bigInner, cache);

        await small.GenerateAsync(["shared text"]);
        var result = await big.GenerateAsync(["shared text"]);

        Assert.Single(bigInner.Batches);
        Assert.Equal("model-two".Length, result[0].Vector.Span[2]);
    }

    [Fact]
    public async Task Redis_stores_raw_little_endian_floats_keyed_by_model_and_text_hash()
    {
        var cache = new RedisEmbeddingCache(Redis);
        float[] vector = [1.5f, -2.25f, float.Epsilon];
        await cache.SetAsync("all-minilm", "some chunk", vector, CancellationToken.None);

        var bytes = await Redis.GetBytesAsync($"raglab:embedding:all-minilm:{EmbeddingCacheKey.HashText("some chunk")}", CancellationToken.None);
        Assert.NotNull(bytes);
        Assert.Equal(12, bytes.Length);
        Assert.Equal(1.5f, BitConverter.ToSingle(bytes.AsSpan(0, 4)));
        Assert.Equal(vector, await cache.GetAsync("all-minilm", "some chunk", CancellationToken.None));
        Assert.Null(await cache.GetAsync("other-model", "some chunk", CancellationToken.None));
    }

    [Fact]
    public async Task Redis_down_means_every_input_is_embedded_without_errors()
    {
        var inner = new RecordingEmbeddingGenerator("all-minilm");
        using var generator = new CachingEmbeddingGenerator(inner,
            new RedisEmbeddingCache(new RedisClient(Server.ConnectionOptions with { ReconnectWindow = TimeSpan.Zero })));
        await Server.StopAsync();

        var result = await generator.GenerateAsync(["a", "b"]);
        await generator.GenerateAsync(["a"]);

        Assert.Equal(2, result.Count);
        Assert.Equal(2, inner.Batches.Count);
    }

    [Fact]
    public async Task Memory_cache_evicts_the_least_recently_used_entry()
    {
        var cache = new MemoryEmbeddingCache(capacity: 2);
        await cache.SetAsync("m", "a", [1f], CancellationToken.None);
        await cache.SetAsync("m", "b", [2f], CancellationToken.None);
        Assert.NotNull(await cache.GetAsync("m", "a", CancellationToken.None)); // a is now the most recent
        await cache.SetAsync("m", "c", [3f], CancellationToken.None);

        var a = await cache.GetAsync("m", "a", CancellationToken.None);
        var b = await cache.GetAsync("m", "b", CancellationToken.None);
        var c = await cache.GetAsync("m", "c", CancellationToken.None);
        Assert.Equal(new[] { 1f }, a);
        Assert.Null(b);
        Assert.Equal(new[] { 3f }, c);
        Assert.Equal(2, cache.Count);
    }
}
