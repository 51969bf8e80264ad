using Microsoft.Extensions.Diagnostics.HealthChecks;
using RagLab.Infrastructure.Health;

namespace RagLab.Infrastructure.Tests.Hosting;

public class DelegateHealthCheckTests
{
    private static Task<HealthCheckResult> Check(Func<CancellationToken, Task<bool>> probe, TimeSpan? timeout = null) =>
        new DelegateHealthCheck("Redis cache", probe, timeout: timeout).CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

    [Fact]
    public async Task Probe_answering_true_is_healthy()
    {
        var result = await Check(_ => Task.FromResult(true));

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    [Fact]
    public async Task Probe_answering_false_is_degraded_by_default()
    {
        var result = await Check(_ => Task.FromResult(false));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("Redis cache", result.Description);
    }

    [Fact]
    public async Task Probe_throwing_is_degraded_with_the_reason()
    {
        var result = await Check(_ => throw new IOException("NOAUTH Authentication required."));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("NOAUTH", result.Description);
    }

    [Fact]
    public async Task Probe_that_never_answers_is_cut_off_and_degraded()
    {
        // A probe that ignores its token must not hang /health.
        var result = await Check(_ => new TaskCompletionSource<bool>().Task, TimeSpan.FromMilliseconds(50));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("did not answer within", result.Description);
    }

    [Fact]
    public async Task Failure_status_can_be_unhealthy_for_a_hard_dependency()
    {
        var check = new DelegateHealthCheck("Job store", _ => Task.FromResult(false), HealthStatus.Unhealthy);

        var result = await check.CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }
}
