using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RagLab.Core.Retrieval;

/// <summary>
/// The exact integer dot product Σ rowᵢ·queryᵢ of an offset int8 row (bytes 1…255, code + 128) with an int8 query,
/// the inner loop of the compressed scan. Integer arithmetic does not round, so the only approximation of the scan is
/// the quantization itself, which <see cref="VectorQuantizedRows"/> bounds. Callers keep 255·|query|·dimensions below
/// 2^31, so no sum overflows. Rows are offset to unsigned because the VNNI instruction multiplies unsigned by signed bytes.
/// </summary>
internal static class VectorInt8Dot
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Compute(ref byte row, ref sbyte query, ref short wideQuery, int dimensions)
    {
        var i = 0;
        var sum = 0;
        if (AvxVnni.IsSupported && dimensions >= 32)
        {
            // 32 byte pairs per instruction (vpdpbusd): four products summed into each int lane, no widening needed.
            // Four accumulators: one chain would wait out the instruction's latency on every step (integer sums are
            // exact in any order).
            var a0 = Vector256<int>.Zero;
            var a1 = Vector256<int>.Zero;
            var a2 = Vector256<int>.Zero;
            var a3 = Vector256<int>.Zero;
            for (; i <= dimensions - 128; i += 128)
            {
                a0 = AvxVnni.MultiplyWideningAndAdd(a0, Vector256.LoadUnsafe(ref row, (nuint)i), Vector256.LoadUnsafe(ref query, (nuint)i));
                a1 = AvxVnni.MultiplyWideningAndAdd(a1, Vector256.LoadUnsafe(ref row, (nuint)i + 32), Vector256.LoadUnsafe(ref query, (nuint)i + 32));
                a2 = AvxVnni.MultiplyWideningAndAdd(a2, Vector256.LoadUnsafe(ref row, (nuint)i + 64), Vector256.LoadUnsafe(ref query, (nuint)i + 64));
                a3 = AvxVnni.MultiplyWideningAndAdd(a3, Vector256.LoadUnsafe(ref row, (nuint)i + 96), Vector256.LoadUnsafe(ref query, (nuint)i + 96));
            }
            for (; i <= dimensions - 32; i += 32)
                a0 = AvxVnni.MultiplyWideningAndAdd(a0, Vector256.LoadUnsafe(ref row, (nuint)i), Vector256.LoadUnsafe(ref query, (nuint)i));
            sum = Vector256.Sum((a0 + a1) + (a2 + a3));
        }
        else if (Avx512BW.IsSupported && dimensions >= 32)
        {
            // Zero-extend the row bytes to shorts, then multiply pairs with the widened query and add them into ints (vpmaddwd).
            var accumulator = Vector512<int>.Zero;
            for (; i <= dimensions - 32; i += 32)
            {
                var codes = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref row, (nuint)i));
                accumulator += Avx512BW.MultiplyAddAdjacent(codes, Vector512.LoadUnsafe(ref wideQuery, (nuint)i));
            }
            sum = Vector512.Sum(accumulator);
        }
        else if (Avx2.IsSupported && dimensions >= 16)
        {
            var accumulator = Vector256<int>.Zero;
            for (; i <= dimensions - 16; i += 16)
            {
                var codes = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref row, (nuint)i));
                accumulator += Avx2.MultiplyAddAdjacent(codes, Vector256.LoadUnsafe(ref wideQuery, (nuint)i));
            }
            sum = Vector256.Sum(accumulator);
        }
        // Portable path (and the tail): plain integer multiply-add, exact as well.
        for (; i < dimensions; i++)
            sum += Unsafe.Add(ref row, i) * Unsafe.Add(ref query, i);
        return sum;
    }
}
