using System.Diagnostics;

namespace RagLab.Benchmarks;

/// <summary>Collects per-operation durations and reports percentiles (nearest-rank).</summary>
internal sealed class LatencyRecorder
{
    private readonly List<double> _milliseconds = [];

    public int Count => _milliseconds.Count;

    public async Task<T> TimeAsync<T>(Func<Task<T>> operation)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await operation();
        _milliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }

    public double Percentile(double p)
    {
        if (_milliseconds.Count == 0) return double.NaN;
        var sorted = _milliseconds.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public string Summary() => $"p50 {Percentile(50):F3} ms, p95 {Percentile(95):F3} ms, max {Percentile(100):F3} ms over {Count} queries";
}
