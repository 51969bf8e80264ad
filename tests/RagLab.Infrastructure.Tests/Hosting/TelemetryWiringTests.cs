using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RagLab.Core.Telemetry;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Hosting;

public class TelemetryWiringTests
{
    private static IHost BuildHost(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ApplicationName = "RagLab.TestApp",
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddServiceDefaults();
        return builder.Build();
    }

    [Fact]
    public void Without_an_otlp_endpoint_nothing_is_registered()
    {
        using var host = BuildHost();

        Assert.Null(host.Services.GetService<TracerProvider>());
        Assert.Null(host.Services.GetService<MeterProvider>());
        Assert.DoesNotContain(host.Services.GetServices<ILoggerProvider>(), provider => provider is OpenTelemetryLoggerProvider);
    }

    [Fact]
    public async Task With_an_otlp_endpoint_providers_are_registered_and_raglab_spans_are_recorded()
    {
        using var host = BuildHost(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", $"http://127.0.0.1:{HttpDependencyHealthCheckTests.UnusedLoopbackPort()}"),
            // Keeps shutdown's final flush to the closed port short.
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "500"),
            ("OTEL_SERVICE_NAME", "api"));
        await host.StartAsync(CancellationToken.None);

        var tracerProvider = host.Services.GetService<TracerProvider>();
        Assert.NotNull(tracerProvider);
        Assert.NotNull(host.Services.GetService<MeterProvider>());
        Assert.Contains(host.Services.GetServices<ILoggerProvider>(), provider => provider is OpenTelemetryLoggerProvider);
        Assert.Contains(tracerProvider.GetResource().Attributes, attribute => attribute.Key == "service.name" && Equals(attribute.Value, "api"));

        using (var activity = RagLabTelemetry.ActivitySource.StartActivity("retrieve"))
        {
            Assert.NotNull(activity);
            Assert.True(activity.Recorded);
            // Not for export: this test must not depend on (or wait for) the unreachable collector.
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }

        await host.StopAsync(CancellationToken.None);
    }
}
