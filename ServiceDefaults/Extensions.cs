using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using RagLab.Core.Telemetry;
using RagLab.ServiceDefaults;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Aspire-style service defaults for RagLab's Api, Worker and Web: OpenTelemetry to the dashboard, health checks,
/// HttpClient defaults and service discovery. Everything here also works without the AppHost (embedded mode):
/// telemetry is simply off and service addresses come from <c>RagLab:Endpoints:*</c>.
/// </summary>
public static class Extensions
{
    /// <summary>Health endpoint with every check.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Liveness endpoint with the checks tagged <see cref="LiveTag"/>.</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>Tag of the checks that say the process itself is up.</summary>
    public const string LiveTag = "live";

    /// <summary>Default <see cref="HttpClient.Timeout"/> for every client (override: <c>RagLab:Http:Timeout</c>).</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(100);

    /// <summary>How long to wait for a TCP connection, so a stopped dependency fails fast (override: <c>RagLab:Http:ConnectTimeout</c>).</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>OpenTelemetry, health checks, HttpClient defaults (timeouts, retry of safe requests, service discovery).</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddServiceEndpointResolution();

        var requestTimeout = ReadTimeSpan(builder.Configuration, "RagLab:Http:Timeout", DefaultRequestTimeout);
        var connectTimeout = ReadTimeSpan(builder.Configuration, "RagLab:Http:ConnectTimeout", DefaultConnectTimeout);
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Defaults run before each client's own configuration, so a client that sets a longer Timeout
            // (the Ollama client: RagLab:Ollama:RequestTimeout, 5 minutes) keeps it.
            http.ConfigureHttpClient(client => client.Timeout = requestTimeout);
            http.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = connectTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            });
            http.AddHttpMessageHandler(() => new TransientHttpRetryHandler());
            http.AddServiceEndpointResolver();
        });

        return builder;
    }

    /// <summary>
    /// Exports RagLab's, ASP.NET Core's and HttpClient's traces and metrics, and all logs, over OTLP when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the AppHost sets it); otherwise adds nothing.
    /// </summary>
    /// <remarks>
    /// Wired by hand: OpenTelemetry.Extensions.Hosting and the instrumentation packages are not available. ASP.NET Core
    /// and HttpClient create their activities only while a listener exists; the tracer provider is that listener.
    /// </remarks>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        IConfiguration configuration = builder.Configuration;
        if (string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : builder.Environment.ApplicationName;
        // Aspire puts service.instance.id into OTEL_RESOURCE_ATTRIBUTES; generating another would split the resource in the dashboard.
        void DescribeService(ResourceBuilder resource) => resource.AddService(serviceName, autoGenerateServiceInstanceId: false);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.AddOtlpExporter();
        });
        builder.Services.ConfigureOpenTelemetryLoggerProvider(logging => logging.ConfigureResource(DescribeService));

        // The exporter reads OTEL_* from the IConfiguration it finds; hand it the app's, so appsettings and tests count too.
        builder.Services.TryAddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .ConfigureServices(services => services.AddSingleton(configuration))
            .ConfigureResource(DescribeService)
            .AddSource(RagLabTelemetry.SourceName, "Microsoft.AspNetCore", "System.Net.Http")
            .AddOtlpExporter()
            .Build());
        builder.Services.TryAddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .ConfigureServices(services => services.AddSingleton(configuration))
            .ConfigureResource(DescribeService)
            .AddMeter(RagLabTelemetry.SourceName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime")
            .AddOtlpExporter()
            .Build());
        builder.Services.AddHostedService<OpenTelemetryProviderActivation>();

        return builder;
    }

    /// <summary>Adds the <c>self</c> check, tagged <see cref="LiveTag"/>, which answers as long as the process does.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy("The process is running."), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Registers <see cref="ServiceEndpointResolver"/> and <see cref="ServiceEndpointRewritingHandler"/>, the stand-ins for
    /// Aspire service discovery. <see cref="AddServiceDefaults{TBuilder}"/> already calls this and adds the handler to every client.
    /// </summary>
    public static TBuilder AddServiceEndpointResolution<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.TryAddSingleton<ServiceEndpointResolver>();
        builder.Services.TryAddTransient<ServiceEndpointRewritingHandler>();
        return builder;
    }

    /// <summary>Lets this client use logical addresses such as <c>https+http://api</c>.</summary>
    public static IHttpClientBuilder AddServiceEndpointResolver(this IHttpClientBuilder http)
    {
        http.Services.TryAddSingleton<ServiceEndpointResolver>();
        http.Services.TryAddTransient<ServiceEndpointRewritingHandler>();
        return http.AddHttpMessageHandler<ServiceEndpointRewritingHandler>();
    }

    /// <summary>
    /// Sets this client's <see cref="HttpClient.Timeout"/> from configuration, e.g.
    /// <c>.ConfigureTimeoutFromConfiguration("RagLab:Ollama:RequestTimeout", TimeSpan.FromMinutes(5))</c>.
    /// Values are TimeSpans (<c>00:05:00</c>) or whole seconds (<c>300</c>); <c>Infinite</c> disables the timeout.
    /// </summary>
    public static IHttpClientBuilder ConfigureTimeoutFromConfiguration(this IHttpClientBuilder http, string configurationKey, TimeSpan fallback) =>
        http.ConfigureHttpClient((services, client) =>
            client.Timeout = ReadTimeSpan(services.GetRequiredService<IConfiguration>(), configurationKey, fallback));

    /// <summary>
    /// Maps <c>/health</c> (every check; JSON body) and <c>/alive</c> (checks tagged <see cref="LiveTag"/>).
    /// Healthy and Degraded answer 200 (the lab still serves, e.g. with extractive answers); Unhealthy answers 503.
    /// </summary>
    /// <remarks>Mapped in every environment: RagLab is a local lab, and its checks reveal no secrets.</remarks>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath, CreateHealthCheckOptions(_ => true));
        app.MapHealthChecks(AlivenessEndpointPath, CreateHealthCheckOptions(registration => registration.Tags.Contains(LiveTag)));
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

    private static TimeSpan ReadTimeSpan(IConfiguration configuration, string key, TimeSpan fallback)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        text = text.Trim();
        if (text.Equals("Infinite", StringComparison.OrdinalIgnoreCase))
        {
            return Timeout.InfiniteTimeSpan;
        }

        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }

        throw new InvalidOperationException(
            $"Configuration value {key} = '{text}' is not a timeout. Use a TimeSpan such as 00:05:00, a number of seconds such as 300, or Infinite.");
    }
}
