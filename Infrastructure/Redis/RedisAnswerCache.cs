using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagLab.Core.Telemetry;
using RagLab.Core.Kernel;
using StackExchange.Redis;

namespace RagLab.Infrastructure.Redis;

public sealed record RedisAnswerCacheOptions
{
    /// <summary>How long an answer stays cached.</summary>
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromHours(24);

    public string KeyPrefix { get; init; } = "raglab:answer:";

    /// <summary>Least time between two "Redis is down" warnings.</summary>
    public TimeSpan WarningInterval { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Answers cached in Redis as camelCase JSON under <c>raglab:answer:{collection}:{key}</c>. The cache is best effort:
/// when Redis is unreachable a lookup is a miss and a store is skipped (with a rate-limited warning), so answering
/// never fails because of the cache.
/// </summary>
public sealed class RedisAnswerCache : IAnswerCache
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IConnectionMultiplexer redis;
    private readonly RedisAnswerCacheOptions options;
    private readonly ILogger logger;
    private readonly RateLimitedWarning warning;

    public RedisAnswerCache(IConnectionMultiplexer redis, RedisAnswerCacheOptions? options = null, ILogger<RedisAnswerCache>? logger = null, TimeProvider? time = null)
    {
        this.redis = redis;
        this.options = options ?? new RedisAnswerCacheOptions();
        this.logger = logger ?? NullLogger<RedisAnswerCache>.Instance;
        warning = new RateLimitedWarning(this.logger, time ?? TimeProvider.System, this.options.WarningInterval);
    }

    /// <returns>The stored answer marked <see cref="AnswerResult.Cached"/>, or null on a miss or when Redis is down.</returns>
    public async Task<AnswerResult?> GetAsync(AnswerCacheKey key, CancellationToken cancellationToken)
    {
        using var activity = RagLabTelemetry.ActivitySource.StartActivity("cache");
        activity?.SetTag("cache.backend", "redis");
        activity?.SetTag("cache.operation", "get");
        AnswerResult? answer = null;
        try
        {
            var json = (byte[]?)await redis.GetDatabase().StringGetAsync(KeyFor(key)).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (json is not null) answer = JsonSerializer.Deserialize<AnswerResult>(json, Json);
        }
        catch (Exception exception) when (exception is RedisException or JsonException)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            warning.Log(exception, "Answer cache lookup");
        }

        // Counted once, by the answerer that asked (raglab.cache.hits / misses); the span says what Redis answered.
        activity?.SetTag("cache.hit", answer is not null);
        return answer is null ? null : answer with { Cached = true };
    }

    public async Task SetAsync(AnswerCacheKey key, AnswerResult answer, CancellationToken cancellationToken)
    {
        using var activity = RagLabTelemetry.ActivitySource.StartActivity("cache");
        activity?.SetTag("cache.backend", "redis");
        activity?.SetTag("cache.operation", "set");
        try
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(answer with { Cached = false }, Json);
            await redis.GetDatabase().StringSetAsync(KeyFor(key), json, options.TimeToLive).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            warning.Log(exception, "Answer cache store");
        }
    }

    public async Task InvalidateCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        using var activity = RagLabTelemetry.ActivitySource.StartActivity("cache");
        activity?.SetTag("cache.backend", "redis");
        activity?.SetTag("cache.operation", "invalidate");
        var removed = 0L;
        try
        {
            var pattern = $"{EscapeGlob(options.KeyPrefix + collection)}:*";
            var database = redis.GetDatabase();
            var batch = new List<RedisKey>(500);
            // SCAN each primary (IServer.KeysAsync pages with a cursor, never KEYS), then UNLINK in batches.
            foreach (var server in redis.GetServers().Where(server => !server.IsReplica))
            {
                await foreach (var key in server.KeysAsync(database.Database, pattern, pageSize: 500).WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    batch.Add(key);
                    if (batch.Count < 500) continue;
                    removed += await database.KeyDeleteAsync([.. batch], CommandFlags.None).WaitAsync(cancellationToken).ConfigureAwait(false);
                    batch.Clear();
                }
            }
            if (batch.Count > 0) removed += await database.KeyDeleteAsync([.. batch]).WaitAsync(cancellationToken).ConfigureAwait(false);
            logger.LogDebug("Removed {Count} cached answers of collection {Collection}.", removed, collection);
        }
        catch (RedisException exception)
        {
            // Stale entries are unreachable anyway (the key includes the index generation); they expire with their TTL.
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            warning.Log(exception, $"Answer cache invalidation of '{collection}'");
        }
        activity?.SetTag("cache.removed", removed);
    }

    /// <summary>Collection names are user text: glob characters in them must match literally.</summary>
    internal static string EscapeGlob(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"([\\*?\[\]])", @"\$1");

    private string KeyFor(AnswerCacheKey key) => $"{options.KeyPrefix}{key.Collection}:{key.ToKeyString()}";
}
