using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace RagLab.Infrastructure.Tests.Hosting;

public class HealthEndpointTests
{
    private static Task<LoopbackWebApp> StartAppWithDependency(HealthStatus dependencyStatus) =>
        LoopbackWebApp.StartAsync(
            builder =>
            {
                builder.AddServiceDefaults();
                builder.Services.AddHealthChecks().AddCheck(
                    "models", () => new HealthCheckResult(dependencyStatus, $"models are {dependencyStatus}"));
            },
            app => app.MapDefaultEndpoints());

    [Fact]
    public async Task Degraded_dependency_still_answers_200_with_each_check_in_the_json()
    {
        await using var server = await StartAppWithDependency(HealthStatus.Degraded);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await client.GetAsync("/health", CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None));
        Assert.Equal("Degraded", json.RootElement.GetProperty("status").GetString());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal("Healthy", checks["self"].GetProperty("status").GetString());
        Assert.Equal("Degraded", checks["models"].GetProperty("status").GetString());
        Assert.Equal("models are Degraded", checks["models"].GetProperty("description").GetString());
    }

    [Fact]
    public async Task Unhealthy_dependency_answers_503()
    {
        await using var server = await StartAppWithDependency(HealthStatus.Unhealthy);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await client.GetAsync("/health", CancellationToken.None);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None));
        Assert.Equal("Unhealthy", json.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Alive_only_runs_live_checks_so_a_failing_dependency_does_not_fail_it()
    {
        await using var server = await StartAppWithDependency(HealthStatus.Unhealthy);
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await client.GetAsync("/alive", CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None));
        var names = json.RootElement.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(["self"], names);
    }
}
