using System.Diagnostics.Metrics;

namespace RagLab.Core.Telemetry;

/// <summary>
/// Hits over lookups, counted from the process start. OpenTelemetry has counters for each, but a dashboard shows counters one
/// by one, so the ratio a user asks about ("how often does the cache answer?") is observed as a gauge of its own.
/// </summary>
public sealed class HitRatio
{
    private long _hits;
    private long _lookups;

    public void Record(bool hit)
    {
        // Lookups first and hits second, read in the other order: a ratio observed mid-record never exceeds 1.
        Interlocked.Increment(ref _lookups);
        if (hit) Interlocked.Increment(ref _hits);
    }

    /// <summary>The ratio as a gauge measurement; nothing before the first lookup (no number rather than a made-up zero).</summary>
    public IEnumerable<Measurement<double>> Observe()
    {
        var hits = Interlocked.Read(ref _hits);
        var lookups = Interlocked.Read(ref _lookups);
        return lookups == 0 ? [] : [new Measurement<double>(hits / (double)lookups)];
    }
}
