using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RagLab.Infrastructure.Hosting;

/// <summary>Logs the resolved configuration at start, one line per dependency.</summary>
internal sealed class StartupReport(RagLabStatus status, ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var dependency in status.Dependencies) logger.LogInformation("RagLab {Dependency}", dependency);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
