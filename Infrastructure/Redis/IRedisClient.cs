using RagLab.Core.Kernel;
namespace RagLab.Infrastructure.Redis;

/// <summary>
/// Sends commands to Redis. <see cref="RedisClient"/> is the real one; typed helpers (GET, SET, XADD, …) are extension
/// methods in <see cref="RedisCommands"/>, so a test double only needs <see cref="ExecuteAsync"/>.
/// </summary>
public interface IRedisClient
{
    /// <summary><c>host:port</c> of the server, for messages.</summary>
    string EndPoint { get; }

    /// <summary>Runs one command, e.g. <c>ExecuteAsync("SET", ["key", "value", "EX", 60], ct)</c>.</summary>
    /// <exception cref="RedisServerException">Redis answered with an error.</exception>
    /// <exception cref="RedisConnectionException">Redis is unreachable or the connection broke.</exception>
    Task<RedisValue> ExecuteAsync(string command, object[] args, CancellationToken cancellationToken);
}
