using System.Diagnostics;
using OpenTelemetry.Trace;
using RagLab.ServiceDefaults;

namespace RagLab.Api.Tests;

/// <summary>Which spans reach the dashboard: requests, jobs, clicks and everything under them, not background plumbing.</summary>
public class BackgroundCallSamplerTests
{
    private static readonly ActivityContext Request = new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

    [Fact]
    public void A_database_call_made_while_serving_a_request_is_kept_and_one_from_a_polling_loop_is_dropped()
    {
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(ActivityKind.Client, Request));
        Assert.Equal(SamplingDecision.Drop, Decide(ActivityKind.Client, default));
    }

    [Theory]
    [InlineData(ActivityKind.Server)]   // a request
    [InlineData(ActivityKind.Consumer)] // a job taken from the queue
    [InlineData(ActivityKind.Internal)] // e.g. a RagLab span started by a background job
    public void Requests_and_jobs_start_traces_of_their_own(ActivityKind kind) =>
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(kind, default));

    [Theory]
    [InlineData("OnRenderCompleted", SamplingDecision.Drop)]
    [InlineData("EndInvokeJSFromDotNet", SamplingDecision.Drop)]
    [InlineData("ReceiveJSDataChunk", SamplingDecision.Drop)]
    [InlineData("DispatchBrowserEvent", SamplingDecision.RecordAndSample)] // a click
    [InlineData("BeginInvokeDotNetFromJS", SamplingDecision.RecordAndSample)] // e.g. files chosen in an InputFile
    public void Blazor_acknowledgements_are_dropped_and_user_actions_kept(string method, SamplingDecision expected) =>
        Assert.Equal(expected, Decide(ActivityKind.Server, default, ("rpc.system", "signalr"), ("rpc.method", method)));

    [Fact]
    public void A_span_under_a_dropped_parent_is_dropped_too()
    {
        var dropped = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None);
        Assert.Equal(SamplingDecision.Drop, Decide(ActivityKind.Internal, dropped));
    }

    private static SamplingDecision Decide(ActivityKind kind, ActivityContext parent, params (string Key, object? Value)[] tags) =>
        new BackgroundCallSampler().ShouldSample(new SamplingParameters(parent, ActivityTraceId.CreateRandom(), "span", kind,
            tags.Select(t => new KeyValuePair<string, object?>(t.Key, t.Value)))).Decision;
}
