using StackExchange.Redis;

namespace RagLab.Testing;

/// <summary>A test class that gets a fresh <c>redis-server</c> and a StackExchange.Redis multiplexer of it for each test.</summary>
public abstract class RedisServerTest : Xunit.IAsyncLifetime
{
    protected RedisServerProcess Server { get; private set; } = null!;

    protected ConnectionMultiplexer Redis { get; private set; } = null!;

    /// <summary>The multiplexer's database, for looking at what the code under test stored.</summary>
    protected IDatabase Database => Redis.GetDatabase();

    public async Task InitializeAsync()
    {
        Server = await RedisServerProcess.StartAsync();
        Redis = await Server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Server.DisposeAsync();
    }
}
