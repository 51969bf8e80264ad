using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RagLab.Core.Telemetry;

/// <summary>
/// RagLab's own spans and instruments. ServiceDefaults exports them by <see cref="SourceName"/>; Core code only emits.
/// Span names: <c>ingest</c>, <c>embed</c>, <c>retrieve</c>, <c>generate</c>, <c>cache</c>.
/// </summary>
public static class RagLabTelemetry
{
    public const string SourceName = "RagLab";

    public static readonly ActivitySource ActivitySource = new(SourceName);
    public static readonly Meter Meter = new(SourceName);

    public static readonly Histogram<double> RetrievalDuration = Meter.CreateHistogram<double>("raglab.retrieval.duration", "ms", "Time to retrieve chunks for a query.");
    public static readonly Histogram<double> GenerationDuration = Meter.CreateHistogram<double>("raglab.generation.duration", "ms", "Time to generate an answer.");
    public static readonly Histogram<double> IngestionDuration = Meter.CreateHistogram<double>("raglab.ingestion.duration", "ms", "Time to parse, chunk, embed and index one document.");
    public static readonly Counter<long> InputTokens = Meter.CreateCounter<long>("raglab.tokens.input", "{token}", "Prompt tokens sent to the model.");
    public static readonly Counter<long> OutputTokens = Meter.CreateCounter<long>("raglab.tokens.output", "{token}", "Tokens the model generated.");
    public static readonly Counter<long> CacheHits = Meter.CreateCounter<long>("raglab.cache.hits", "{hit}", "Answers served from the cache.");
    public static readonly Counter<long> CacheMisses = Meter.CreateCounter<long>("raglab.cache.misses", "{miss}", "Answers not in the cache.");

    /// <summary>The answer cache's hit ratio since the process started, as the gauge <c>raglab.cache.hit_ratio</c> reports it.</summary>
    public static readonly HitRatio CacheHitRatio = new();

    /// <summary>The share of answer-cache lookups served from the cache since the process started (0 to 1; none before the first lookup).</summary>
    public static readonly ObservableGauge<double> CacheHitRatioGauge =
        Meter.CreateObservableGauge("raglab.cache.hit_ratio", CacheHitRatio.Observe, "1", "Share of answer-cache lookups served from the cache since start.");

    /// <summary>Counts one answer-cache lookup in <see cref="CacheHits"/> or <see cref="CacheMisses"/> and in <see cref="CacheHitRatio"/>.</summary>
    public static void RecordCacheLookup(bool hit)
    {
        (hit ? CacheHits : CacheMisses).Add(1);
        CacheHitRatio.Record(hit);
    }

    /// <summary>Counts a model call's tokens and tags its span with them (OpenTelemetry gen_ai conventions).</summary>
    public static void RecordTokenUsage(Activity? activity, string model, long? inputTokens, long? outputTokens)
    {
        var tag = new KeyValuePair<string, object?>("gen_ai.request.model", model);
        if (inputTokens is { } input)
        {
            InputTokens.Add(input, tag);
            activity?.SetTag("gen_ai.usage.input_tokens", input);
        }
        if (outputTokens is { } output)
        {
            OutputTokens.Add(output, tag);
            activity?.SetTag("gen_ai.usage.output_tokens", output);
        }
    }

    /// <summary>Starts the <c>embed</c> span for a call to an embedding model.</summary>
    public static Activity? StartEmbedActivity(string system, string model, int count)
    {
        var activity = ActivitySource.StartActivity("embed", ActivityKind.Client);
        activity?.SetTag("gen_ai.system", system);
        activity?.SetTag("gen_ai.request.model", model);
        activity?.SetTag("raglab.embed.count", count);
        return activity;
    }

    /// <summary>How long jobs run, from start to success or failure; tags <c>job.kind</c> and <c>job.outcome</c> (succeeded, failed).</summary>
    public static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>("raglab.job.duration", "ms", "Time a job ran, from start to success or failure.");

    /// <summary>
    /// Name of the observable gauge of unfinished jobs in the system of record, tagged <c>job.status</c> (queued: waiting for a
    /// worker, running: taken by one). Observed by the process that runs jobs.
    /// </summary>
    public const string QueueDepthName = "raglab.job.queue.depth";

    /// <summary>Records one finished run of a job in <see cref="JobDuration"/>.</summary>
    public static void RecordJobDuration(string kind, string outcome, TimeSpan elapsed) =>
        JobDuration.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("job.kind", kind), new KeyValuePair<string, object?>("job.outcome", outcome));
}
