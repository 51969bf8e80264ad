using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RagLab.Benchmarks;

/// <summary>
/// One thread's streaming read bandwidth, measured here rather than assumed: the best of several passes summing a
/// buffer far larger than the caches with 256-bit loads. A memory-bound scan cannot beat bytes read ÷ this.
/// </summary>
internal static class MemoryBandwidth
{
    public static double MeasureBytesPerSecond(long bufferBytes = 512L << 20, int passes = 7)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(checked((int)bufferBytes));
        new Random(1).NextBytes(buffer); // touch every page, so no pass measures page faults
        var best = double.MaxValue;
        long checksum = 0;
        for (var pass = 0; pass < passes; pass++)
        {
            var started = Stopwatch.GetTimestamp();
            checksum += Sum(buffer);
            best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        GC.KeepAlive(checksum);
        return bufferBytes / best;
    }

    private static long Sum(byte[] buffer)
    {
        ref var start = ref MemoryMarshal.GetArrayDataReference(buffer);
        var a = Vector256<long>.Zero;
        var b = Vector256<long>.Zero;
        var length = (nuint)buffer.Length;
        // Two independent accumulators so the adds do not serialize; the loads are what is measured.
        for (nuint i = 0; i + 64 <= length; i += 64)
        {
            a += Vector256.LoadUnsafe(ref start, i).AsInt64();
            b += Vector256.LoadUnsafe(ref start, i + 32).AsInt64();
        }
        return Vector256.Sum(a + b);
    }
}
