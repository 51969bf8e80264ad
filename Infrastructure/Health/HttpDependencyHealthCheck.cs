using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RagLab.Infrastructure.Health;

/// <summary>
/// Healthy when <see cref="HttpDependencyProbe.Url"/> answers 2xx in time; otherwise <c>failureStatus</c> with the reason.
/// </summary>
/// <param name="httpClient">Any client; the probe URL is absolute and the timeout is the probe's own.</param>
/// <param name="failureStatus">Unhealthy when the app cannot serve without the dependency, Degraded when it can.</param>
public sealed class HttpDependencyHealthCheck(HttpClient httpClient, HttpDependencyProbe probe, HealthStatus failureStatus = HealthStatus.Unhealthy) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var timeout = probe.Timeout ?? HttpDependencyProbe.DefaultTimeout;
        var data = new Dictionary<string, object> { ["url"] = probe.Url.GetLeftPart(UriPartial.Path) };
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);

        using var request = new HttpRequestMessage(HttpMethod.Get, probe.Url);
        foreach (var (name, value) in probe.Headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeoutSource.Token).ConfigureAwait(false);
            data["statusCode"] = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return HealthCheckResult.Healthy($"{probe.DependencyName} is ready at {probe.Url.GetLeftPart(UriPartial.Authority)}.", data);
            }

            return new HealthCheckResult(failureStatus,
                $"{probe.DependencyName} at {probe.Url.GetLeftPart(UriPartial.Authority)} answered {(int)response.StatusCode} {response.ReasonPhrase} " +
                $"to GET {probe.Url.AbsolutePath}.", data: data);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(failureStatus,
                $"{probe.DependencyName} at {probe.Url.GetLeftPart(UriPartial.Authority)} did not answer within {timeout.TotalSeconds:0.#} s.", data: data);
        }
        catch (HttpRequestException exception)
        {
            return new HealthCheckResult(failureStatus,
                $"{probe.DependencyName} at {probe.Url.GetLeftPart(UriPartial.Authority)} cannot be reached: {exception.Message} " +
                "Is the container running?", exception, data);
        }
    }
}
