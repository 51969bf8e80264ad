using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RagLab.Infrastructure.Health;

/// <summary>
/// Wraps a yes/no probe (e.g. the Redis adapter's PING) as a health check. False, a thrown exception or a probe that
/// outlives <c>timeout</c> give <c>failureStatus</c>; Degraded by default because RagLab's dependencies have embedded fallbacks.
/// </summary>
/// <param name="dependencyName">Shown in messages, e.g. "Redis cache".</param>
/// <param name="timeout">Per-probe limit; null means 5 seconds.</param>
public sealed class DelegateHealthCheck(
    string dependencyName,
    Func<CancellationToken, Task<bool>> probe,
    HealthStatus failureStatus = HealthStatus.Degraded,
    TimeSpan? timeout = null) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? HttpDependencyProbe.DefaultTimeout;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(limit);
        try
        {
            return await probe(timeoutSource.Token).WaitAsync(timeoutSource.Token).ConfigureAwait(false)
                ? HealthCheckResult.Healthy($"{dependencyName} answered.")
                : new HealthCheckResult(failureStatus, $"{dependencyName} did not answer as expected.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(failureStatus, $"{dependencyName} did not answer within {limit.TotalSeconds:0.#} s.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new HealthCheckResult(failureStatus, $"{dependencyName} check failed: {exception.Message}", exception);
        }
    }
}
