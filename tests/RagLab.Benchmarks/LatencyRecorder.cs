using System.Diagnostics;

namespace RagLab.Benchmarks;

/// <summary>Collects per-operation durations and reports percentiles (nearest-rank).</summary>
internal sealed class LatencyRecorder
{
    private readonly List<double> _milliseconds = [];
    private TimeSpan _cpu;

    public int Count => _milliseconds.Count;

    public async Task<T> TimeAsync<T>(Func<Task<T>> operation)
    {
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var result = await operation();
        _milliseconds.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        _cpu += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return result;
    }

    /// <summary>Adds durations measured elsewhere, e.g. by concurrent clients once they have finished.</summary>
    public void AddRange(IEnumerable<double> milliseconds) => _milliseconds.AddRange(milliseconds);

    public double Percentile(double p)
    {
        if (_milliseconds.Count == 0) return double.NaN;
        var sorted = _milliseconds.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public string Summary() => $"p50 {Percentile(50):F3} ms, p95 {Percentile(95):F3} ms, max {Percentile(100):F3} ms over {Count} queries (process CPU {_cpu.TotalMilliseconds / Math.Max(1, Count):F2} ms/query, all threads: wall times grow when other work shares the cores)";
}
