using Microsoft.Extensions.DependencyInjection;
using RagLab.Core.Kernel;
using StackExchange.Redis;

namespace RagLab.Infrastructure.Redis;

/// <summary>The SHA-256 thumbprint of the last TLS certificate refused by <see cref="RedisCertificateValidation"/>, if any.</summary>
public sealed class RedisCertificateRefusals
{
    private volatile string? last;

    public string? LastThumbprint => last;

    public void Record(string thumbprint) => last = thumbprint;
}

/// <summary>PING through the shared multiplexer, with a failure message that says what to do.</summary>
internal static class RedisHealthProbe
{
    public static Func<CancellationToken, Task<bool>> Create(IServiceProvider services) => async cancellationToken =>
    {
        var redis = services.GetRequiredService<IConnectionMultiplexer>();
        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (RedisConnectionDefaults.IsUnavailable(exception))
        {
            var refused = services.GetService<RedisCertificateRefusals>()?.LastThumbprint;
            var reason = refused is null
                ? exception.Message
                : $"its TLS certificate (SHA-256 {refused}) is not trusted. Trust it on this machine, or pin it with RagLab:Redis:CertificateThumbprint={refused}";
            throw new DependencyUnavailableException($"Redis at {RedisConnectionDefaults.Describe(redis)} is unreachable: {reason}");
        }
    };
}
