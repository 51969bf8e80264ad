using RagLab.Infrastructure.Redis;
using RagLab.Testing;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Redis;

public sealed class RedisClientTests : IAsyncLifetime
{
    private RedisServerProcess server = null!;

    public async Task InitializeAsync() => server = await RedisServerProcess.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    private static CancellationToken Guard => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task Round_trips_strings_bytes_integers_hashes_and_expiry()
    {
        await using var redis = new RedisClient(server.ConnectionOptions);
        Assert.Equal("PONG", await redis.PingAsync(Guard));

        await redis.SetAsync("greeting", "héllo", expiry: null, Guard);
        Assert.Equal("héllo", await redis.GetAsync("greeting", Guard));
        Assert.Null(await redis.GetAsync("missing", Guard));

        byte[] binary = [0, 1, 2, 255, 13, 10];
        await redis.SetAsync("binary", binary, TimeSpan.FromMinutes(5), Guard);
        Assert.Equal(binary, await redis.GetBytesAsync("binary", Guard));
        var ttl = await redis.TimeToLiveAsync("binary", Guard);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));

        Assert.Equal(1, await redis.IncrementAsync("counter", Guard));
        Assert.Equal(2, await redis.IncrementAsync("counter", Guard));

        await redis.HashSetAsync("hash", new Dictionary<string, string> { ["a"] = "1", ["b"] = "two" }, Guard);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "two" }, await redis.HashGetAllAsync("hash", Guard));

        Assert.Equal(2, await redis.DeleteAsync(["greeting", "counter", "missing"], Guard));
        Assert.Null(await redis.GetAsync("greeting", Guard));
    }

    [Fact]
    public async Task Error_replies_become_server_exceptions_and_the_connection_stays_usable()
    {
        await using var redis = new RedisClient(server.ConnectionOptions);
        await redis.SetAsync("text", "not a number", null, Guard);
        var error = await Assert.ThrowsAsync<RedisServerException>(() => redis.IncrementAsync("text", Guard));
        Assert.Equal("ERR", error.Code);
        Assert.Contains("not an integer", error.Message);
        Assert.Equal("PONG", await redis.PingAsync(Guard));
    }

    [Fact]
    public async Task Pipelines_many_concurrent_commands_on_one_connection_and_matches_every_reply()
    {
        await using var connection = await RespConnection.ConnectAsync(server.ConnectionOptions, Guard);
        var sets = Enumerable.Range(0, 500).Select(i => connection.SendAsync("SET", [$"pipe:{i}", $"value-{i}"])).ToArray();
        await Task.WhenAll(sets);
        var gets = Enumerable.Range(0, 500).Select(i => connection.SendAsync("GET", [$"pipe:{i}"])).ToArray();
        var incrs = Enumerable.Range(0, 100).Select(_ => connection.SendAsync("INCR", ["pipe:counter"])).ToArray();
        await Task.WhenAll(gets.Concat(incrs));

        for (var i = 0; i < gets.Length; i++)
            Assert.Equal($"value-{i}", (await gets[i]).AsString());
        // INCR replies arrive in the order the commands were written: 1, 2, … 100.
        Assert.Equal(Enumerable.Range(1, 100).Select(n => (long)n), (await Task.WhenAll(incrs)).Select(value => value.AsInt64()));
        Assert.Equal(0, connection.Pending);
    }

    [Fact]
    public async Task Concurrent_callers_share_a_bounded_pool_of_connections()
    {
        await using var redis = new RedisClient(server.ConnectionOptions with { MaxConnections = 3, ClientName = "pooltest" });
        var work = Enumerable.Range(0, 600).Select(async i =>
        {
            await redis.SetAsync($"pool:{i}", i.ToString(), null, Guard);
            return await redis.GetAsync($"pool:{i}", Guard);
        }).ToArray();
        var results = await Task.WhenAll(work);
        Assert.Equal(Enumerable.Range(0, 600).Select(i => i.ToString()), results);

        await using var observer = await RespConnection.ConnectAsync(server.ConnectionOptions with { ClientName = "observer" }, Guard);
        var clients = (await observer.SendAsync("CLIENT", ["LIST"])).AsString()!;
        var poolConnections = clients.Split('\n').Count(line => line.Contains("name=pooltest "));
        Assert.InRange(poolConnections, 1, 3);
        Assert.Equal(poolConnections, redis.OpenConnections);
    }

    [Fact]
    public async Task A_restart_between_commands_does_not_fail_callers_once_the_server_is_back()
    {
        await using var redis = new RedisClient(server.ConnectionOptions with { ReconnectWindow = TimeSpan.FromSeconds(10) });
        var restarting = 0;
        var restarts = 0; // bumped when a restart begins and ends, to tell lost data from wrong data
        var failuresOutsideRestart = new List<Exception>();
        var operations = 0;
        using var stop = new CancellationTokenSource();

        async Task LoopAsync(int worker)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var startedDuringRestart = Volatile.Read(ref restarting) == 1;
                var generation = Volatile.Read(ref restarts);
                try
                {
                    await redis.SetAsync($"restart:{worker}", i.ToString(), null, Guard);
                    var read = await redis.GetAsync($"restart:{worker}", Guard);
                    // The test server keeps no data across a restart, so a value written just before it may be gone.
                    if (generation == Volatile.Read(ref restarts)) Assert.Equal(i.ToString(), read);
                    Interlocked.Increment(ref operations);
                }
                catch (Exception exception) when (exception is RedisException)
                {
                    if (!startedDuringRestart) lock (failuresOutsideRestart) failuresOutsideRestart.Add(exception);
                }
            }
        }

        var loops = Enumerable.Range(0, 4).Select(LoopAsync).ToArray();
        await WaitForAsync(() => Volatile.Read(ref operations) > 200);
        Interlocked.Increment(ref restarts);
        Volatile.Write(ref restarting, 1);
        await server.RestartAsync(Guard);
        Volatile.Write(ref restarting, 0);
        Interlocked.Increment(ref restarts);
        var afterRestart = Volatile.Read(ref operations);
        await WaitForAsync(() => Volatile.Read(ref operations) > afterRestart + 200);
        stop.Cancel();
        await Task.WhenAll(loops);

        Assert.Empty(failuresOutsideRestart);
    }

    [Fact]
    public async Task Commands_fail_fast_with_a_connection_error_when_nothing_listens()
    {
        var port = server.Port;
        await server.StopAsync(Guard);
        await using var redis = new RedisClient(RedisConnectionOptions.Parse($"127.0.0.1:{port}") with { ReconnectWindow = TimeSpan.Zero });
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => redis.PingAsync(Guard));
        Assert.Contains($"127.0.0.1:{port} is unreachable", error.Message);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition()) await Task.Delay(10, timeout.Token);
    }
}

public sealed class RedisAuthenticationTests : IAsyncLifetime
{
    private RedisServerProcess server = null!;

    public async Task InitializeAsync() => server = await RedisServerProcess.StartAsync(new RedisServerSettings(Password: "correct horse"));

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task The_right_password_authenticates()
    {
        await using var redis = new RedisClient(server.ConnectionString);
        Assert.Equal("PONG", await redis.PingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_wrong_password_reports_the_servers_WRONGPASS_message()
    {
        await using var redis = new RedisClient($"127.0.0.1:{server.Port},password=wrong");
        var error = await Assert.ThrowsAsync<RedisServerException>(() => redis.PingAsync(CancellationToken.None));
        Assert.Equal("WRONGPASS", error.Code);
        Assert.Contains("invalid username-password pair", error.Message);
    }

    [Fact]
    public async Task No_password_reports_NOAUTH()
    {
        await using var redis = new RedisClient($"127.0.0.1:{server.Port}");
        var error = await Assert.ThrowsAsync<RedisServerException>(() => redis.GetAsync("key", CancellationToken.None));
        Assert.Equal("NOAUTH", error.Code);
    }
}

public sealed class RedisTlsTests : IAsyncLifetime
{
    private RedisServerProcess server = null!;

    public async Task InitializeAsync() => server = await RedisServerProcess.StartAsync(new RedisServerSettings(Password: "tls-secret", Tls: true));

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task Connects_over_tls_when_the_callback_trusts_the_self_signed_certificate()
    {
        Assert.Contains("ssl=true", server.ConnectionString);
        await using var redis = new RedisClient(server.ConnectionOptions);
        await redis.SetAsync("secure", "yes", null, CancellationToken.None);
        Assert.Equal("yes", await redis.GetAsync("secure", CancellationToken.None));
    }

    [Fact]
    public async Task Rejects_an_untrusted_certificate_with_default_validation()
    {
        await using var redis = new RedisClient(server.ConnectionOptions with { CertificateValidation = null, ReconnectWindow = TimeSpan.Zero });
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => redis.PingAsync(CancellationToken.None));
        Assert.Contains("unreachable", error.Message);
    }
}
