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

namespace RagLab.Infrastructure.Tests.Hosting;

public class TelemetryWiringTests
{
    private static IHost BuildHost(List<Activity> exported, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ApplicationName = "RagLab.TestApp",
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddServiceDefaults();
        builder.Services.AddRagLabTelemetry();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(exported));
        return builder.Build();
    }

    [Fact]
    public async Task A_raglab_span_reaches_the_exporter()
    {
        var exported = new List<Activity>();
        using var host = BuildHost(exported);
        await host.StartAsync(CancellationToken.None);

        using (RagLabTelemetry.ActivitySource.StartActivity("retrieve")) { }
        host.Services.GetRequiredService<TracerProvider>().ForceFlush();

        Assert.Contains(exported, a => a.OperationName == "retrieve" && a.Source.Name == RagLabTelemetry.SourceName);
        await host.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task With_an_otlp_endpoint_the_service_name_and_the_otlp_logger_are_set()
    {
        var exported = new List<Activity>();
        using var host = BuildHost(exported,
            ("OTEL_EXPORTER_OTLP_ENDPOINT", $"http://127.0.0.1:{HttpDependencyHealthCheckTests.UnusedLoopbackPort()}"),
            // Keeps shutdown's final flush to the closed port short.
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "500"),
            ("OTEL_SERVICE_NAME", "api"));
        await host.StartAsync(CancellationToken.None);

        var tracerProvider = host.Services.GetRequiredService<TracerProvider>();
        Assert.NotNull(host.Services.GetService<MeterProvider>());
        Assert.Contains(host.Services.GetServices<ILoggerProvider>(), provider => provider is OpenTelemetryLoggerProvider);
        Assert.Contains(tracerProvider.GetResource().Attributes, attribute => attribute.Key == "service.name" && Equals(attribute.Value, "api"));

        await host.StopAsync(CancellationToken.None);
    }
}
