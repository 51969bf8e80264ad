using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Redis;

/// <summary>
/// A small pooled Redis client. Connections (at most <see cref="RedisConnectionOptions.MaxConnections"/>) are opened
/// lazily and shared by pipelining; a blocking command (<c>XREADGROUP … BLOCK</c>) takes a connection for itself so it
/// never delays other callers. A broken connection is replaced on next use; an idempotent command that failed because
/// its connection broke is retried once on a new one, so a Redis restart between commands is invisible to callers.
/// </summary>
public sealed class RedisClient : IRedisClient, IAsyncDisposable
{
    // Commands that can safely run twice if the first reply was lost. INCR, XADD, LPUSH … are not here.
    private static readonly HashSet<string> IdempotentCommands = new(StringComparer.OrdinalIgnoreCase)
    {
        "PING", "GET", "MGET", "SET", "DEL", "UNLINK", "EXISTS", "EXPIRE", "PEXPIRE", "TTL", "PTTL", "TYPE",
        "HSET", "HGET", "HGETALL", "HDEL", "SCAN", "INFO", "CLIENT", "XGROUP", "XREADGROUP", "XACK", "XDEL",
        "XAUTOCLAIM", "XCLAIM", "XPENDING", "XRANGE", "XLEN", "XINFO", "DBSIZE", "SELECT",
    };

    private readonly RedisConnectionOptions options;
    private readonly ILogger logger;
    private readonly TimeProvider time;
    private readonly PoolSlot[] slots;
    private readonly SemaphoreSlim blockingSlots;
    private readonly Lock selectionLock = new();
    private readonly Lock healthLock = new();
    private DateTimeOffset? unreachableSince;
    private DateTimeOffset nextConnectAttempt;
    private int consecutiveConnectFailures;
    private Exception? lastConnectFailure;
    private int nextSlot;
    private bool disposed;

    public RedisClient(RedisConnectionOptions options, ILogger<RedisClient>? logger = null, TimeProvider? time = null)
    {
        if (options.MaxConnections < 1)
            throw new ArgumentOutOfRangeException(nameof(options), "RedisConnectionOptions.MaxConnections must be at least 1.");
        this.options = options;
        this.logger = logger ?? NullLogger<RedisClient>.Instance;
        this.time = time ?? TimeProvider.System;
        slots = Enumerable.Range(0, options.MaxConnections).Select(_ => new PoolSlot()).ToArray();
        // One connection always stays shared, so blocking readers cannot starve ordinary commands.
        blockingSlots = new SemaphoreSlim(Math.Max(0, options.MaxConnections - 1));
    }

    /// <summary>Parses a StackExchange-style connection string (see <see cref="RedisConnectionOptions.Parse"/>).</summary>
    public RedisClient(string connectionString, ILogger<RedisClient>? logger = null)
        : this(RedisConnectionOptions.Parse(connectionString), logger)
    {
    }

    public string EndPoint => options.EndPoint;

    public RedisConnectionOptions Options => options;

    /// <summary>Connections currently open (for diagnostics and tests).</summary>
    public int OpenConnections => slots.Count(slot => slot.Connection is { IsBroken: false });

    public async Task<RedisValue> ExecuteAsync(string command, object[] args, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var blockTime = BlockingTime(command, args);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return blockTime is { } block
                    ? await ExecuteBlockingAsync(command, args, block, cancellationToken).ConfigureAwait(false)
                    : await ExecuteSharedAsync(command, args, cancellationToken).ConfigureAwait(false);
            }
            catch (RedisConnectionException exception) when (attempt == 0 && exception.InnerException is not ConnectFailedMarker
                                                             && (!exception.CommandSent || IdempotentCommands.Contains(command)))
            {
                logger.LogDebug("Redis {Command} failed on a broken connection ({Reason}); retrying once on a new connection.", command, exception.Message);
            }
        }
    }

    private async Task<RedisValue> ExecuteSharedAsync(string command, object[] args, CancellationToken cancellationToken)
    {
        var slot = SelectSharedSlot();
        try
        {
            var connection = await GetConnectionAsync(slot, cancellationToken).ConfigureAwait(false);
            return await AwaitReplyAsync(connection, connection.SendAsync(command, args), command, options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ReleaseShared(slot);
        }
    }

    private async Task<RedisValue> ExecuteBlockingAsync(string command, object[] args, TimeSpan block, CancellationToken cancellationToken)
    {
        if (options.MaxConnections < 2)
            throw new InvalidOperationException($"Blocking Redis commands such as {command} … BLOCK need RedisConnectionOptions.MaxConnections of at least 2.");
        await blockingSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        PoolSlot slot;
        try
        {
            slot = await TakeExclusiveSlotAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            blockingSlots.Release();
            throw;
        }

        Task<RedisValue>? reply = null;
        try
        {
            var connection = await GetConnectionAsync(slot, cancellationToken).ConfigureAwait(false);
            reply = connection.SendAsync(command, args);
            return await AwaitReplyAsync(connection, reply, command, block + options.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // A cancelled caller stops waiting, but the connection stays reserved until Redis actually answers.
            if (reply is null || reply.IsCompleted) ReleaseExclusive(slot);
            else _ = reply.ContinueWith(_ => ReleaseExclusive(slot), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private static async Task<RedisValue> AwaitReplyAsync(RespConnection connection, Task<RedisValue> reply, string command, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await reply.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException exception)
        {
            // Replies are matched by order, so a missing one poisons the connection: drop it.
            connection.Abort($"no reply to {command} within {timeout.TotalSeconds:0.#} s");
            throw new RedisConnectionException($"Redis did not answer {command} within {timeout.TotalSeconds:0.#} s.", exception);
        }
    }

    private PoolSlot SelectSharedSlot()
    {
        lock (selectionLock)
        {
            PoolSlot? best = null;
            for (var i = 0; i < slots.Length; i++)
            {
                // Round-robin start so idle connections are used evenly.
                var slot = slots[(nextSlot + i) % slots.Length];
                if (slot.Exclusive) continue;
                var live = slot.Connection is { IsBroken: false };
                if (live && slot.Users == 0) { best = slot; break; }
                if (!live && best is not { Users: 0 } && slot.Users == 0) best = slot; // open a new one only when all are busy
                else if (best is null || slot.Users < best.Users) best = slot;
            }
            nextSlot = (nextSlot + 1) % slots.Length;
            best!.Users++;
            return best;
        }
    }

    private void ReleaseShared(PoolSlot slot)
    {
        lock (selectionLock)
        {
            slot.Users--;
            if (slot.Users == 0) slot.Idle?.TrySetResult();
        }
    }

    private async Task<PoolSlot> TakeExclusiveSlotAsync(CancellationToken cancellationToken)
    {
        Task idle;
        PoolSlot chosen;
        lock (selectionLock)
        {
            chosen = slots.Where(slot => !slot.Exclusive).OrderBy(slot => slot.Users).First();
            chosen.Exclusive = true;
            if (chosen.Users == 0) return chosen;
            chosen.Idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            idle = chosen.Idle.Task;
        }
        try
        {
            // Commands already on this connection finish first, so none of them waits behind the blocking one.
            await idle.WaitAsync(cancellationToken).ConfigureAwait(false);
            return chosen;
        }
        catch
        {
            ReleaseExclusiveSlotOnly(chosen);
            throw;
        }
    }

    private void ReleaseExclusive(PoolSlot slot)
    {
        ReleaseExclusiveSlotOnly(slot);
        blockingSlots.Release();
    }

    private void ReleaseExclusiveSlotOnly(PoolSlot slot)
    {
        lock (selectionLock)
        {
            slot.Exclusive = false;
            slot.Idle = null;
        }
    }

    private async ValueTask<RespConnection> GetConnectionAsync(PoolSlot slot, CancellationToken cancellationToken)
    {
        if (slot.Connection is { IsBroken: false } current) return current;
        await slot.ConnectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (slot.Connection is { IsBroken: false } raced) return raced;
            if (slot.Connection is { } broken)
            {
                slot.Connection = null;
                await broken.DisposeAsync().ConfigureAwait(false);
            }
            slot.Connection = await ConnectWithBackoffAsync(cancellationToken).ConfigureAwait(false);
            return slot.Connection;
        }
        finally
        {
            slot.ConnectLock.Release();
        }
    }

    /// <summary>
    /// While an outage is younger than <see cref="RedisConnectionOptions.ReconnectWindow"/> the caller keeps trying
    /// (a restart takes well under a second); after that, callers fail fast and only one attempt per backoff period
    /// goes to the network, so a cache in front of a dead Redis costs nothing.
    /// </summary>
    private async Task<RespConnection> ConnectWithBackoffAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan wait;
            lock (healthLock)
            {
                var now = time.GetUtcNow();
                var outageIsOld = unreachableSince is { } since && now - since >= options.ReconnectWindow;
                wait = nextConnectAttempt - now;
                if (outageIsOld && wait > TimeSpan.Zero)
                    throw Unreachable(lastConnectFailure);
            }
            if (wait > TimeSpan.Zero) await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);

            try
            {
                var connection = await RespConnection.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
                lock (healthLock)
                {
                    if (unreachableSince is not null)
                        logger.LogInformation("Redis at {EndPoint} is reachable again.", options.EndPoint);
                    unreachableSince = null;
                    consecutiveConnectFailures = 0;
                    lastConnectFailure = null;
                }
                return connection;
            }
            catch (RedisConnectionException exception)
            {
                lock (healthLock)
                {
                    var now = time.GetUtcNow();
                    unreachableSince ??= now;
                    consecutiveConnectFailures++;
                    lastConnectFailure = exception;
                    var backoff = TimeSpan.FromMilliseconds(Math.Min(1000, 25 * Math.Pow(2, Math.Min(consecutiveConnectFailures, 10))));
                    nextConnectAttempt = now + backoff;
                    if (now - unreachableSince >= options.ReconnectWindow) throw Unreachable(exception);
                }
            }
        }
    }

    private RedisConnectionException Unreachable(Exception? cause) =>
        new($"Redis at {options.EndPoint} is unreachable{(cause is null ? "." : $": {cause.Message.Replace($"Redis at {options.EndPoint} is unreachable: ", "")}")}",
            new ConnectFailedMarker(cause), commandSent: false);

    /// <summary>Seconds a blocking command may wait (its BLOCK/timeout argument), or null for ordinary commands.</summary>
    private static TimeSpan? BlockingTime(string command, object[] args)
    {
        if (command.Equals("XREADGROUP", StringComparison.OrdinalIgnoreCase) || command.Equals("XREAD", StringComparison.OrdinalIgnoreCase))
        {
            for (var i = 0; i < args.Length - 1; i++)
                if (args[i] is string word && word.Equals("BLOCK", StringComparison.OrdinalIgnoreCase))
                    return args[i + 1] switch
                    {
                        int ms => TimeSpan.FromMilliseconds(ms),
                        long ms => TimeSpan.FromMilliseconds(ms),
                        TimeSpan span => span,
                        string text when long.TryParse(text, out var ms) => TimeSpan.FromMilliseconds(ms),
                        _ => throw new ArgumentException($"{command} BLOCK needs a number of milliseconds."),
                    };
            return null;
        }
        return command.ToUpperInvariant() is "BLPOP" or "BRPOP" or "BLMOVE" or "BZPOPMIN" or "BZPOPMAX"
            ? throw new NotSupportedException($"{command} is not supported by RagLab's Redis client; use streams (XREADGROUP … BLOCK).")
            : null;
    }

    public async ValueTask DisposeAsync()
    {
        disposed = true;
        foreach (var slot in slots)
            if (slot.Connection is { } connection)
                await connection.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class PoolSlot
    {
        public RespConnection? Connection;
        public readonly SemaphoreSlim ConnectLock = new(1, 1);
        public int Users;          // guarded by selectionLock
        public bool Exclusive;     // guarded by selectionLock
        public TaskCompletionSource? Idle; // guarded by selectionLock
    }

    /// <summary>Marks "could not connect at all" so the retry loop does not try again.</summary>
    private sealed class ConnectFailedMarker(Exception? cause) : Exception(cause?.Message ?? "unreachable", cause);
}
