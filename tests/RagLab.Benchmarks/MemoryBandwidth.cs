using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RagLab.Benchmarks;

/// <summary>
/// One thread's streaming read bandwidth, measured here rather than assumed: summing a buffer far larger than the
/// caches with 256-bit loads. A memory-bound scan cannot beat bytes read ÷ this. <see cref="TimeRead"/> streams a given
/// number of bytes, so the bound can be timed right beside each query, under the same load on the machine.
/// </summary>
internal sealed class MemoryBandwidth(long bufferBytes = 512L << 20)
{
    private readonly byte[] _buffer = CreateBuffer(bufferBytes);
    private long _checksum;

    /// <summary>The best of several full passes, in bytes per second.</summary>
    public double BestBytesPerSecond(int passes = 7)
    {
        var best = double.MaxValue;
        for (var pass = 0; pass < passes; pass++) best = Math.Min(best, TimeRead(_buffer.Length));
        return _buffer.Length / best;
    }

    /// <summary>Seconds to stream <paramref name="bytes"/> bytes (wrapping around the buffer if they exceed it).</summary>
    public double TimeRead(long bytes)
    {
        var started = Stopwatch.GetTimestamp();
        for (var left = bytes; left > 0; left -= _buffer.Length) _checksum += Sum(_buffer, (int)Math.Min(left, _buffer.Length));
        return Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static byte[] CreateBuffer(long bytes)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(checked((int)bytes));
        new Random(1).NextBytes(buffer); // touch every page, so no pass measures page faults
        return buffer;
    }

    private static long Sum(byte[] buffer, int length)
    {
        ref var start = ref MemoryMarshal.GetArrayDataReference(buffer);
        var a = Vector256<long>.Zero;
        var b = Vector256<long>.Zero;
        // Two independent accumulators so the adds do not serialize; the loads are what is measured.
        for (nuint i = 0; i + 64 <= (nuint)length; i += 64)
        {
            a += Vector256.LoadUnsafe(ref start, i).AsInt64();
            b += Vector256.LoadUnsafe(ref start, i + 32).AsInt64();
        }
        return Vector256.Sum(a + b);
    }
}
