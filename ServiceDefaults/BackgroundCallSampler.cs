using System.Diagnostics;
using OpenTelemetry.Trace;

namespace RagLab.ServiceDefaults;

/// <summary>
/// Parent-based sampling that keeps the traces a person looks for in the dashboard (requests, jobs, clicks) and drops two kinds
/// of one-span traces that would bury them by the thousand:
/// <list type="bullet">
/// <item>client spans started outside any trace: the database, cache and HTTP calls of polling loops, health checks and probes
/// (a call made while serving a request or running a job has a parent and is kept);</item>
/// <item>Blazor Server's plumbing over SignalR: the acknowledgement of every rendered batch and JavaScript call, and each chunk of
/// data streamed from the browser.</item>
/// </list>
/// </summary>
public sealed class BackgroundCallSampler : Sampler
{
    private static readonly HashSet<string> BlazorPlumbing =
        ["OnRenderCompleted", "EndInvokeJSFromDotNet", "ReceiveJSDataChunk", "ReceiveByteArray"];

    private readonly Sampler _parentBased = new ParentBasedSampler(new AlwaysOnSampler());

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (samplingParameters.ParentContext.TraceId != default) return _parentBased.ShouldSample(samplingParameters);
        return samplingParameters.Kind == ActivityKind.Client || IsBlazorPlumbing(samplingParameters.Tags)
            ? new SamplingResult(SamplingDecision.Drop)
            : _parentBased.ShouldSample(samplingParameters);
    }

    // SignalR names the hub method of an invocation in its rpc.method tag.
    private static bool IsBlazorPlumbing(IEnumerable<KeyValuePair<string, object?>>? tags) =>
        tags?.Any(tag => tag.Key == "rpc.method" && tag.Value is string method && BlazorPlumbing.Contains(method)) == true;
}
