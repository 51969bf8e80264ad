using System.Diagnostics;

namespace RagLab.Benchmarks;

/// <summary>What one load phase measured: completed requests per second and the latency percentiles over all clients.</summary>
internal sealed record LoadFigures(double RequestsPerSecond, double P50Ms, double P99Ms, int Requests, int Errors)
{
    public override string ToString() =>
        $"{RequestsPerSecond,8:F0} req/s  p50 {P50Ms,7:F2} ms  p99 {P99Ms,7:F2} ms" + (Errors > 0 ? $"  ({Errors} errors)" : "");
}

/// <summary>
/// N clients, each sending its next request as soon as its last one is answered (a closed loop), for a warm-up and then a
/// measured interval; throughput and latencies are those of the requests completed in the measured interval.
/// </summary>
internal static class ClosedLoopLoad
{
    /// <param name="send">Sends request number <c>n</c> (numbered per phase, across clients) and says whether it succeeded.</param>
    public static async Task<LoadFigures> RunAsync(int clients, TimeSpan warmUp, TimeSpan measured, Func<int, CancellationToken, Task<bool>> send,
        CancellationToken cancellationToken)
    {
        var sequence = 0;
        var started = Stopwatch.GetTimestamp();
        var measureFrom = started + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var measureUntil = measureFrom + (long)(measured.TotalSeconds * Stopwatch.Frequency);

        var perClient = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            var errors = 0;
            while (true)
            {
                var sent = Stopwatch.GetTimestamp();
                if (sent >= measureUntil) break;
                var ok = await send(Interlocked.Increment(ref sequence), cancellationToken);
                var done = Stopwatch.GetTimestamp();
                // Counted when it finished inside the measured interval.
                if (done < measureFrom || done > measureUntil) continue;
                latencies.Add(Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds);
                if (!ok) errors++;
            }
            return (latencies, errors);
        }, cancellationToken)));

        var recorder = new LatencyRecorder();
        foreach (var (latencies, _) in perClient) recorder.AddRange(latencies);
        return new LoadFigures(recorder.Count / measured.TotalSeconds, recorder.Percentile(50), recorder.Percentile(99), recorder.Count,
            perClient.Sum(c => c.errors));
    }
}
