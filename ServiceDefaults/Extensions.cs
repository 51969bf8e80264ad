using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using RagLab.ServiceDefaults;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The standard Aspire service defaults for RagLab's Api, Worker and Web: OpenTelemetry, health checks, service discovery and the
/// standard resilience handler on every <see cref="HttpClient"/> from <see cref="IHttpClientFactory"/>. Nothing here knows RagLab:
/// RagLab's own sources and its model clients' resilience settings are added by its registration.
/// </summary>
public static class Extensions
{
    /// <summary>Health endpoint with every check.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Liveness endpoint with the checks tagged <see cref="LiveTag"/>.</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>Tag of the checks that say the process itself is up.</summary>
    public const string LiveTag = "live";

    /// <summary>OpenTelemetry, health checks, service discovery, and resilience plus discovery on every HttpClient.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// Logs, traces and metrics of ASP.NET Core, HttpClient and the runtime; exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>
    /// is set (the AppHost sets it). Other sources join with <c>services.ConfigureOpenTelemetryTracerProvider</c>.
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing
                .SetSampler(new BackgroundCallSampler())
                .AddSource(builder.Environment.ApplicationName)
                .AddAspNetCoreInstrumentation(aspNetCore =>
                    // Health probes every few seconds would drown the traces that matter.
                    aspNetCore.Filter = context => !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                        && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Adds the <c>self</c> check, tagged <see cref="LiveTag"/>, which answers as long as the process does.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy("The process is running."), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (every check; JSON body) and <c>/alive</c> (checks tagged <see cref="LiveTag"/>).
    /// Healthy and Degraded answer 200 (the lab still serves, e.g. with extractive answers); Unhealthy answers 503.
    /// </summary>
    /// <remarks>Mapped in every environment: RagLab is a local lab, and its checks reveal no secrets.</remarks>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Probes (Aspire, load balancers, orchestrators) carry no credentials: the health endpoints stay open where the rest needs sign-in.
        app.MapHealthChecks(HealthEndpointPath, CreateHealthCheckOptions(_ => true)).AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, CreateHealthCheckOptions(registration => registration.Tags.Contains(LiveTag))).AllowAnonymous();
        return app;
    }

    private static HealthCheckOptions CreateHealthCheckOptions(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = HealthReportJsonWriter.WriteAsync,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };
}
