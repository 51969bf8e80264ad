using RagLab.Core.Kernel;
namespace RagLab.Testing;

/// <summary>A test class that gets a fresh <c>redis-server</c> and a client of it for each test.</summary>
public abstract class RedisServerTest : Xunit.IAsyncLifetime
{
    protected RedisServerProcess Server { get; private set; } = null!;

    protected Infrastructure.Redis.RedisClient Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await RedisServerProcess.StartAsync();
        Redis = new Infrastructure.Redis.RedisClient(Server.ConnectionOptions);
    }

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await Server.DisposeAsync();
    }
}
