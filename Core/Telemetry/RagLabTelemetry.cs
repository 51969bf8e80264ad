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
}
