using Microsoft.Extensions.Http.Resilience;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace RagLab.Web;

internal static class Extensions
{
    /// <summary>Interactive server components, and a typed client for the Api found by service discovery.</summary>
    public static IHostApplicationBuilder AddWebServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddScoped<Components.Chat.ChatConversation>();
        // Blazor's own spans (a click's event handler, a route change) root the trace of the Api call they make, so the
        // dashboard shows a user's action in web, its request in api and the job it queues in worker as one trace.
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(BlazorTelemetry.SourceName));
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(BlazorTelemetry.MeterNames));
        builder.Services.Configure<WebOptions>(builder.Configuration.GetSection(WebOptions.Section));
        Api.ApiKeyHandler.Validate(builder.Configuration);
        builder.Services.AddTransient<Api.ApiKeyHandler>();

        // RemoveAllResilienceHandlers is experimental, and the one way to replace the service defaults' handler for one client.
#pragma warning disable EXTEXP0001 // the diagnostic sits on the statement's first token
        // "https+http://api" resolves by service discovery from Services:api:http (the AppHost sets services__api__http__0;
        // appsettings.json names the Api's own default, http://localhost:5080). RagLab:ApiUrl skips discovery.
        builder.Services.AddHttpClient<RagLabApiClient>(http =>
            {
                http.BaseAddress = new Uri(builder.Configuration["RagLab:ApiUrl"] ?? "https+http://api");
                // The resilience handler below owns the timeouts; a streamed answer is read long after its headers arrived.
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            // RagLab:ApiKey, in shared mode (every page user then acts with its role and groups); each retry carries it too.
            .AddHttpMessageHandler<Api.ApiKeyHandler>()
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(options =>
            {
                // Uploads, asks and run starts are not repeatable: a retry would send a consumed body or do the work twice.
                options.Retry.DisableForUnsafeHttpMethods();
                // CPU-only generation is slow (the Api waits up to RagLab:Ollama:RequestTimeout, 5 minutes, for a model).
                options.AttemptTimeout.Timeout = TimeSpan.FromMinutes(5);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(6);
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(10);
            });
#pragma warning restore EXTEXP0001
        return builder;
    }
}

/// <summary>Where ASP.NET Core 10's Blazor emits its spans and metrics (circuits, navigation, event handlers, rendering).</summary>
internal static class BlazorTelemetry
{
    public const string SourceName = "Microsoft.AspNetCore.Components";

    public static readonly string[] MeterNames =
        [SourceName, "Microsoft.AspNetCore.Components.Lifecycle", "Microsoft.AspNetCore.Components.Server.Circuits"];
}

/// <summary>The Web's own settings, section <c>RagLab:Web</c>.</summary>
public sealed class WebOptions
{
    public const string Section = "RagLab:Web";

    /// <summary>The largest file the upload page reads from the browser; the Api applies its own limit too.</summary>
    public long MaxUploadBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>The Aspire dashboard, linked from the status panel when the lab runs under the AppHost.</summary>
    public string? DashboardUrl { get; set; }

    /// <summary>How often the status panel asks the Api what is connected.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often pages with running work (ingest, eval runs) poll its progress.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(700);
}
