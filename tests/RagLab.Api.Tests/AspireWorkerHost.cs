using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Configuration;
using RagLab.Infrastructure;

namespace RagLab.Api.Tests;

/// <summary>
/// The Worker host, built as Worker/Program.cs builds it (Host.CreateApplicationBuilder, AddServiceDefaults, AddRagLab,
/// the split-index warning), with the configuration the AppHost injects given in place of environment variables.
/// Keep it in step with Worker/Program.cs.
/// </summary>
public static class AspireWorkerHost
{
    public static IHost Build(IReadOnlyDictionary<string, string?> configuration, AspireLogCapture? logs = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = "Testing",
            // No appsettings from the test's bin folder: only what the AppHost would pass.
            ContentRootPath = Path.GetTempPath(),
        });
        builder.Configuration.AddInMemoryCollection(configuration);
        if (logs is not null) builder.Logging.AddProvider(logs);

        builder.AddServiceDefaults();
        builder.AddRagLab();

        return builder.Build();
    }

    /// <summary>Builds and starts a Worker.</summary>
    public static async Task<IHost> StartAsync(IReadOnlyDictionary<string, string?> configuration, AspireLogCapture? logs = null)
    {
        var host = Build(configuration, logs);
        await host.StartAsync();
        return host;
    }

    /// <summary>Stops a Worker as the AppHost or a Ctrl+C does (graceful shutdown: running jobs are cancelled), then disposes it.</summary>
    public static async Task StopAsync(IHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StopAsync(timeout.Token);
        host.Dispose();
    }
}
