using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace RagLab.ServiceDefaults;

/// <summary>
/// Forces the container-owned tracer and meter providers into existence when the host starts (nothing else asks for them),
/// so spans and metrics are collected; the container disposes them, which flushes the last batch on shutdown.
/// </summary>
internal sealed class OpenTelemetryProviderActivation(TracerProvider tracerProvider, MeterProvider meterProvider) : IHostedService
{
    public TracerProvider TracerProvider { get; } = tracerProvider;

    public MeterProvider MeterProvider { get; } = meterProvider;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
