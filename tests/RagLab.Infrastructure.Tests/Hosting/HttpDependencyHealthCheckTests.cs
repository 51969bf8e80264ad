using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RagLab.Infrastructure.Health;

namespace RagLab.Infrastructure.Tests.Hosting;

public class HttpDependencyHealthCheckTests
{
    /// <summary>Answers GET /readyz like Qdrant's openapi.json: 200 text when ready, 503 when not; 401 without the key.</summary>
    private static Task<LoopbackWebApp> StartFakeQdrant(bool ready, string apiKey) =>
        LoopbackWebApp.StartAsync(null, app => app.MapGet("/readyz", (HttpRequest request) =>
            request.Headers["api-key"] != apiKey ? Results.StatusCode(StatusCodes.Status401Unauthorized)
            : ready ? Results.Text("all shards are ready")
            : Results.Text("some shards are not ready", statusCode: StatusCodes.Status503ServiceUnavailable)));

    private static async Task<HealthCheckResult> Check(HttpDependencyProbe probe, HealthStatus failureStatus = HealthStatus.Unhealthy)
    {
        using var client = new HttpClient();
        return await new HttpDependencyHealthCheck(client, probe, failureStatus).CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);
    }

    [Fact]
    public async Task Ready_qdrant_is_healthy_when_the_api_key_is_sent()
    {
        await using var qdrant = await StartFakeQdrant(ready: true, apiKey: "secret");

        var result = await Check(HttpDependencyProbe.QdrantReadiness(qdrant.BaseAddress, "secret"));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(200, result.Data["statusCode"]);
    }

    [Fact]
    public async Task Qdrant_answering_503_gives_the_chosen_failure_status_and_the_code()
    {
        await using var qdrant = await StartFakeQdrant(ready: false, apiKey: "secret");

        var result = await Check(HttpDependencyProbe.QdrantReadiness(qdrant.BaseAddress, "secret"), HealthStatus.Degraded);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("503", result.Description);
    }

    [Fact]
    public async Task Wrong_key_is_reported_as_the_status_code_qdrant_gave()
    {
        await using var qdrant = await StartFakeQdrant(ready: true, apiKey: "secret");

        var result = await Check(HttpDependencyProbe.QdrantReadiness(qdrant.BaseAddress, "wrong"));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("401", result.Description);
    }

    [Fact]
    public async Task Nothing_listening_is_reported_as_unreachable()
    {
        var result = await Check(HttpDependencyProbe.QdrantReadiness(new Uri($"http://127.0.0.1:{UnusedLoopbackPort()}")));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("cannot be reached", result.Description);
    }

    [Fact]
    public void Qdrant_probe_targets_readyz_under_any_path_base()
    {
        var probe = HttpDependencyProbe.QdrantReadiness(new Uri("http://localhost:6333/qdrant"), "k");

        Assert.Equal(new Uri("http://localhost:6333/qdrant/readyz"), probe.Url);
        Assert.Equal("k", probe.Headers!["api-key"]);
    }

    internal static int UnusedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
