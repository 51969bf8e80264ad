using System.Diagnostics;
using OpenTelemetry.Trace;

namespace RagLab.ServiceDefaults;

/// <summary>
/// Parent-based sampling that drops client spans started outside any trace: the database, cache and HTTP calls of polling
/// loops, health checks and probes. Each would be a one-span trace, and thousands of them bury the requests and jobs a user
/// looks for in the dashboard. A call made while serving a request or running a job has a parent and is kept.
/// </summary>
public sealed class BackgroundCallSampler : Sampler
{
    private readonly Sampler _parentBased = new ParentBasedSampler(new AlwaysOnSampler());

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Client && samplingParameters.ParentContext.TraceId == default
            ? new SamplingResult(SamplingDecision.Drop)
            : _parentBased.ShouldSample(samplingParameters);
}
