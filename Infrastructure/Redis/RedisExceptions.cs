using RagLab.Core.Kernel;
namespace RagLab.Infrastructure.Redis;

/// <summary>Base of every error the RagLab Redis client raises.</summary>
public abstract class RedisException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>Redis answered with an error reply (e.g. <c>WRONGPASS</c>, <c>NOAUTH</c>, <c>WRONGTYPE</c>); the message is the server's.</summary>
public sealed class RedisServerException(string message) : RedisException(message)
{
    /// <summary>The error code: the reply's first word, e.g. <c>WRONGPASS</c> or <c>ERR</c>.</summary>
    public string Code => Message.Split(' ', 2)[0];
}

/// <summary>Redis could not be reached, the connection broke, or a reply did not arrive in time.</summary>
/// <param name="commandSent">False when the failure happened before the command reached the socket (so retrying it is always safe).</param>
public sealed class RedisConnectionException(string message, Exception? innerException = null, bool commandSent = true)
    : RedisException(message, innerException)
{
    public bool CommandSent { get; } = commandSent;
}

/// <summary>The bytes from the server are not valid RESP: the connection cannot be trusted any more.</summary>
public sealed class RedisProtocolException(string message) : RedisException(message);
