using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace RagLab.AppHost.Tests.Otlp;

/// <summary>One span as a collector received it, with the <c>service.name</c> of the process that sent it.</summary>
public sealed record CollectedSpan(string Service, string Scope, string TraceId, string SpanId, string? ParentSpanId, string Name,
    SpanKind Kind, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OTLP/HTTP collector (binary protobuf, <c>POST /v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>) on 127.0.0.1, standing in
/// for the Aspire dashboard, which the testing builder does not start. The projects export to it as they export to the dashboard.
/// </summary>
public sealed class InTestOtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<CollectedSpan> _spans = [];
    private readonly HashSet<(string Service, string Metric)> _metrics = [];

    private InTestOtlpCollector(WebApplication app) => _app = app;

    /// <summary>What <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set to (with <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>).</summary>
    public Uri Endpoint { get; private set; } = null!;

    public static async Task<InTestOtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var collector = new InTestOtlpCollector(builder.Build());
        collector._app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            collector.Add(ExportTraceServiceRequest.Parser.ParseFrom(await ReadAsync(request)));
            return Ok();
        });
        collector._app.MapPost("/v1/metrics", async (HttpRequest request) =>
        {
            collector.Add(ExportMetricsServiceRequest.Parser.ParseFrom(await ReadAsync(request)));
            return Ok();
        });
        collector._app.MapPost("/v1/logs", () => Ok());
        await collector._app.StartAsync();
        collector.Endpoint = new Uri(collector._app.Urls.Single());
        return collector;
    }

    public IReadOnlyList<CollectedSpan> Spans
    {
        get { lock (_gate) return [.. _spans]; }
    }

    /// <summary>The names of the metrics each service has exported at least once.</summary>
    public IReadOnlySet<(string Service, string Metric)> Metrics
    {
        get { lock (_gate) return _metrics.ToHashSet(); }
    }

    /// <summary>Polls until a trace (the spans sharing a trace id) satisfies <paramref name="complete"/>; returns it.</summary>
    public async Task<IReadOnlyList<CollectedSpan>> WaitForTraceAsync(Func<IReadOnlyList<CollectedSpan>, bool> complete, CancellationToken cancellationToken)
    {
        while (true)
        {
            var trace = Spans.GroupBy(s => s.TraceId).Select(t => (IReadOnlyList<CollectedSpan>)[.. t]).FirstOrDefault(complete);
            if (trace is not null) return trace;
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Polls until every one of <paramref name="wanted"/> has been exported.</summary>
    public async Task WaitForMetricsAsync(IEnumerable<(string Service, string Metric)> wanted, CancellationToken cancellationToken)
    {
        var missing = wanted.ToHashSet();
        while (true)
        {
            missing.ExceptWith(Metrics);
            if (missing.Count == 0) return;
            try
            {
                await Task.Delay(250, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Never exported: {string.Join(", ", missing.Select(m => $"{m.Service} {m.Metric}"))}");
            }
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private void Add(ExportTraceServiceRequest request)
    {
        var spans = from resource in request.ResourceSpans
                    let service = ServiceName(resource.Resource)
                    from scope in resource.ScopeSpans
                    from span in scope.Spans
                    select new CollectedSpan(service, scope.Scope?.Name ?? "", Hex(span.TraceId), Hex(span.SpanId),
                        span.ParentSpanId.IsEmpty ? null : Hex(span.ParentSpanId), span.Name, span.Kind,
                        span.Attributes.GroupBy(a => a.Key).ToDictionary(a => a.Key, a => Text(a.Last().Value)));
        lock (_gate) _spans.AddRange(spans);
    }

    private void Add(ExportMetricsServiceRequest request)
    {
        var metrics = from resource in request.ResourceMetrics
                      let service = ServiceName(resource.Resource)
                      from scope in resource.ScopeMetrics
                      from metric in scope.Metrics
                      select (service, metric.Name);
        lock (_gate) _metrics.UnionWith(metrics);
    }

    private static string ServiceName(Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == "service.name") is { } name ? Text(name.Value) : "";

    private static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => "",
    };

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    private static async Task<byte[]> ReadAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
        return body.ToArray();
    }

    // An empty Export*ServiceResponse: full success.
    private static IResult Ok() => Results.Bytes([], "application/x-protobuf");
}
