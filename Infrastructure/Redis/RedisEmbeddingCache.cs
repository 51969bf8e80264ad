using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagLab.Core.Kernel;
using StackExchange.Redis;

namespace RagLab.Infrastructure.Redis;

public sealed record RedisEmbeddingCacheOptions
{
    /// <summary>How long a vector stays cached; null keeps it until Redis evicts it.</summary>
    public TimeSpan? TimeToLive { get; init; } = TimeSpan.FromDays(30);

    public string KeyPrefix { get; init; } = "raglab:embedding:";

    public TimeSpan WarningInterval { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Embeddings in Redis under <c>raglab:embedding:{model}:{sha256(text)}</c>, stored as raw little-endian float32 bytes
/// (4 bytes per dimension, a quarter of the JSON size). Best effort like <see cref="RedisAnswerCache"/>: Redis being
/// down means misses, never errors.
/// </summary>
public sealed class RedisEmbeddingCache : IEmbeddingCache
{
    private readonly IConnectionMultiplexer redis;
    private readonly RedisEmbeddingCacheOptions options;
    private readonly RateLimitedWarning warning;

    public RedisEmbeddingCache(IConnectionMultiplexer redis, RedisEmbeddingCacheOptions? options = null, ILogger<RedisEmbeddingCache>? logger = null, TimeProvider? time = null)
    {
        this.redis = redis;
        this.options = options ?? new RedisEmbeddingCacheOptions();
        warning = new RateLimitedWarning(logger ?? NullLogger<RedisEmbeddingCache>.Instance, time ?? TimeProvider.System, this.options.WarningInterval);
    }

    public async Task<float[]?> GetAsync(string model, string text, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = (byte[]?)await redis.GetDatabase().StringGetAsync(KeyFor(model, text)).WaitAsync(cancellationToken).ConfigureAwait(false);
            return bytes is null || bytes.Length % sizeof(float) != 0 ? null : Decode(bytes);
        }
        catch (RedisException exception)
        {
            warning.Log(exception, "Embedding cache lookup");
            return null;
        }
    }

    public async Task SetAsync(string model, string text, float[] vector, CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(KeyFor(model, text), Encode(vector), options.TimeToLive is { } ttl ? ttl : Expiration.Default).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException exception)
        {
            warning.Log(exception, "Embedding cache store");
        }
    }

    internal static byte[] Encode(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        return bytes;
    }

    internal static float[] Decode(byte[] bytes)
    {
        var vector = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * sizeof(float)));
        return vector;
    }

    private string KeyFor(string model, string text) => $"{options.KeyPrefix}{model}:{EmbeddingCacheKey.HashText(text)}";
}
