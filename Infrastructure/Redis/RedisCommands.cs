using System.Runtime.CompilerServices;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Redis;

/// <summary>Typed helpers for the commands RagLab uses, over any <see cref="IRedisClient"/>.</summary>
public static class RedisCommands
{
    public static async Task<string> PingAsync(this IRedisClient redis, CancellationToken cancellationToken) =>
        (await redis.ExecuteAsync("PING", [], cancellationToken).ConfigureAwait(false)).AsString()!;

    public static async Task<string?> GetAsync(this IRedisClient redis, string key, CancellationToken cancellationToken) =>
        (await redis.ExecuteAsync("GET", [key], cancellationToken).ConfigureAwait(false)).AsString();

    public static async Task<byte[]?> GetBytesAsync(this IRedisClient redis, string key, CancellationToken cancellationToken) =>
        (await redis.ExecuteAsync("GET", [key], cancellationToken).ConfigureAwait(false)).AsBytes();

    /// <summary>SET with an optional expiry (sent as PX so sub-second TTLs work).</summary>
    /// <param name="value">A string or a byte array.</param>
    public static Task SetAsync(this IRedisClient redis, string key, object value, TimeSpan? expiry, CancellationToken cancellationToken) =>
        redis.ExecuteAsync("SET", expiry is { } ttl ? [key, value, "PX", Math.Max(1, (long)ttl.TotalMilliseconds)] : [key, value], cancellationToken);

    /// <returns>How many keys existed.</returns>
    public static async Task<long> DeleteAsync(this IRedisClient redis, string[] keys, CancellationToken cancellationToken) =>
        keys.Length == 0 ? 0 : (await redis.ExecuteAsync("DEL", [.. keys], cancellationToken).ConfigureAwait(false)).AsInt64();

    /// <summary>Like DEL, but Redis frees the memory in the background.</summary>
    public static async Task<long> UnlinkAsync(this IRedisClient redis, string[] keys, CancellationToken cancellationToken) =>
        keys.Length == 0 ? 0 : (await redis.ExecuteAsync("UNLINK", [.. keys], cancellationToken).ConfigureAwait(false)).AsInt64();

    public static async Task<long> IncrementAsync(this IRedisClient redis, string key, CancellationToken cancellationToken) =>
        (await redis.ExecuteAsync("INCR", [key], cancellationToken).ConfigureAwait(false)).AsInt64();

    /// <returns>False when the key does not exist.</returns>
    public static async Task<bool> ExpireAsync(this IRedisClient redis, string key, TimeSpan expiry, CancellationToken cancellationToken) =>
        (await redis.ExecuteAsync("PEXPIRE", [key, Math.Max(1, (long)expiry.TotalMilliseconds)], cancellationToken).ConfigureAwait(false)).AsInt64() == 1;

    /// <returns>Remaining time to live, or null when the key has no expiry or does not exist.</returns>
    public static async Task<TimeSpan?> TimeToLiveAsync(this IRedisClient redis, string key, CancellationToken cancellationToken)
    {
        var milliseconds = (await redis.ExecuteAsync("PTTL", [key], cancellationToken).ConfigureAwait(false)).AsInt64();
        return milliseconds < 0 ? null : TimeSpan.FromMilliseconds(milliseconds);
    }

    public static Task HashSetAsync(this IRedisClient redis, string key, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken)
    {
        if (fields.Count == 0) return Task.CompletedTask;
        var args = new List<object>(1 + fields.Count * 2) { key };
        foreach (var (field, value) in fields) { args.Add(field); args.Add(value); }
        return redis.ExecuteAsync("HSET", [.. args], cancellationToken);
    }

    public static async Task<IReadOnlyDictionary<string, string>> HashGetAllAsync(this IRedisClient redis, string key, CancellationToken cancellationToken) =>
        (await redis.ExecuteAsync("HGETALL", [key], cancellationToken).ConfigureAwait(false)).AsDictionary()
            .ToDictionary(pair => pair.Key, pair => pair.Value.AsString() ?? "", StringComparer.Ordinal);

    /// <summary>Every key matching a glob pattern, via SCAN (never KEYS, which blocks the server).</summary>
    public static async IAsyncEnumerable<string> ScanAsync(this IRedisClient redis, string pattern, int pageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = "0";
        do
        {
            var page = await redis.ExecuteAsync("SCAN", [cursor, "MATCH", pattern, "COUNT", pageSize], cancellationToken).ConfigureAwait(false);
            cursor = page[0].AsString()!;
            foreach (var key in page[1].Items)
                yield return key.AsString()!;
        }
        while (cursor != "0");
    }

    /// <summary>Escapes glob metacharacters so text can be used literally inside a SCAN MATCH pattern.</summary>
    public static string EscapeGlob(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"([\\*?\[\]])", @"\$1");

    /// <summary>XADD with an auto-generated id.</summary>
    /// <returns>The new entry's id.</returns>
    public static async Task<string> StreamAddAsync(this IRedisClient redis, string stream, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken)
    {
        var args = new List<object>(2 + fields.Count * 2) { stream, "*" };
        foreach (var (field, value) in fields) { args.Add(field); args.Add(value); }
        return (await redis.ExecuteAsync("XADD", [.. args], cancellationToken).ConfigureAwait(false)).AsString()!;
    }

    /// <summary>XGROUP CREATE … MKSTREAM; an existing group (BUSYGROUP) is fine.</summary>
    /// <returns>True when the group was created now.</returns>
    public static async Task<bool> StreamCreateGroupAsync(this IRedisClient redis, string stream, string group, string startId, CancellationToken cancellationToken)
    {
        try
        {
            await redis.ExecuteAsync("XGROUP", ["CREATE", stream, group, startId, "MKSTREAM"], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RedisServerException exception) when (exception.Code == "BUSYGROUP")
        {
            return false;
        }
    }

    /// <summary>XREADGROUP GROUP g c COUNT n BLOCK ms STREAMS s &gt;: new entries for this consumer, or none after the block time.</summary>
    public static async Task<IReadOnlyList<RedisStreamEntry>> StreamReadGroupAsync(this IRedisClient redis, string stream, string group, string consumer,
        int count, TimeSpan block, CancellationToken cancellationToken)
    {
        var reply = await redis.ExecuteAsync("XREADGROUP",
            ["GROUP", group, consumer, "COUNT", count, "BLOCK", Math.Max(1, (long)block.TotalMilliseconds), "STREAMS", stream, ">"],
            cancellationToken).ConfigureAwait(false);
        if (reply.IsNull) return [];
        // RESP2: [[stream, entries]]; RESP3: {stream: entries}.
        if (reply.Kind == RedisValueKind.Map)
            return reply.Items.Count >= 2 ? RedisStreamEntry.ListFromReply(reply[1]) : [];
        return reply.Items.Count > 0 ? RedisStreamEntry.ListFromReply(reply[0][1]) : [];
    }

    /// <summary>XAUTOCLAIM: takes over entries pending longer than <paramref name="minIdle"/> (their consumer presumably died).</summary>
    /// <returns>The claimed entries and the cursor to continue from (<c>0-0</c> when the scan is complete).</returns>
    public static async Task<(IReadOnlyList<RedisStreamEntry> Entries, string NextCursor)> StreamAutoClaimAsync(this IRedisClient redis, string stream,
        string group, string consumer, TimeSpan minIdle, string cursor, int count, CancellationToken cancellationToken)
    {
        var reply = await redis.ExecuteAsync("XAUTOCLAIM",
            [stream, group, consumer, Math.Max(0, (long)minIdle.TotalMilliseconds), cursor, "COUNT", count], cancellationToken).ConfigureAwait(false);
        return (RedisStreamEntry.ListFromReply(reply[1]), reply[0].AsString()!);
    }

    /// <summary>XRANGE over the whole stream, a page at a time (exclusive start ids need Redis 6.2 or later).</summary>
    public static async IAsyncEnumerable<RedisStreamEntry> StreamRangeAsync(this IRedisClient redis, string stream, int pageSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = "-";
        while (true)
        {
            var reply = await redis.ExecuteAsync("XRANGE", [stream, start, "+", "COUNT", pageSize], cancellationToken).ConfigureAwait(false);
            if (reply.IsNull || reply.Items.Count == 0) yield break;
            foreach (var entry in RedisStreamEntry.ListFromReply(reply)) yield return entry;
            if (reply.Items.Count < pageSize) yield break;
            start = "(" + reply[reply.Items.Count - 1][0].AsString();
        }
    }

    /// <returns>How many of the ids were pending and are now acknowledged.</returns>
    public static async Task<long> StreamAcknowledgeAsync(this IRedisClient redis, string stream, string group, string id, CancellationToken cancellationToken) =>
        (await redis.ExecuteAsync("XACK", [stream, group, id], cancellationToken).ConfigureAwait(false)).AsInt64();

    public static async Task<long> StreamDeleteAsync(this IRedisClient redis, string stream, string id, CancellationToken cancellationToken) =>
        (await redis.ExecuteAsync("XDEL", [stream, id], cancellationToken).ConfigureAwait(false)).AsInt64();

    /// <summary>XPENDING summary form: entries delivered to the group and not yet acknowledged.</summary>
    public static async Task<long> StreamPendingCountAsync(this IRedisClient redis, string stream, string group, CancellationToken cancellationToken) =>
        (await redis.ExecuteAsync("XPENDING", [stream, group], cancellationToken).ConfigureAwait(false))[0].AsInt64();
}
