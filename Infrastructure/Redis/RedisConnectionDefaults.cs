using System.Net;
using StackExchange.Redis;

namespace RagLab.Infrastructure.Redis;

/// <summary>How RagLab tunes the StackExchange.Redis multiplexer that Aspire's <c>AddRedisClient("cache")</c> creates.</summary>
public static class RedisConnectionDefaults
{
    /// <summary>
    /// Never abort at start (Redis may come up after RagLab, and the lab runs without it), and fail a command at once
    /// while no connection is up instead of queueing it: the caches are best effort, so an ask must not wait on a dead
    /// Redis. The multiplexer reconnects in the background by itself.
    /// </summary>
    public static ConfigurationOptions ApplyRagLabDefaults(this ConfigurationOptions options)
    {
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        // Retry every second instead of backing off exponentially, so a restarted Redis is used again within seconds.
        options.ReconnectRetryPolicy = new LinearRetry(1000);
        options.ClientName ??= "raglab";
        return options;
    }

    /// <summary><c>host:port</c> of the configured endpoints (never the password), for messages.</summary>
    public static string Describe(IConnectionMultiplexer redis) => Describe(redis.GetEndPoints());

    /// <summary><c>host:port[,ssl=true]</c> of a connection string (never the password), for the status page.</summary>
    public static string Describe(ConfigurationOptions options) =>
        Describe([.. options.EndPoints]) + (options.Ssl ? ",ssl=true" : "");

    /// <summary>The host of the first endpoint: the name a TLS certificate must carry when no <c>sslHost</c> is given.</summary>
    public static string FirstHost(ConfigurationOptions options) => options.EndPoints.FirstOrDefault() switch
    {
        DnsEndPoint dns => dns.Host,
        IPEndPoint ip => ip.Address.ToString(),
        _ => "localhost",
    };

    private static string Describe(IEnumerable<EndPoint> endPoints) => string.Join(",", endPoints.Select(endPoint => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        IPEndPoint ip => ip.ToString(),
        _ => endPoint.ToString(),
    }));

    /// <summary>True for failures that mean "Redis is not reachable right now" rather than a bad command.</summary>
    public static bool IsUnavailable(Exception exception) => exception is RedisConnectionException or RedisTimeoutException;
}
