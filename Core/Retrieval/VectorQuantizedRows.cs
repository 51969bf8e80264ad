using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval;

/// <summary>
/// An int8 copy of a shard's unit rows (a quarter of the float32 bytes) with, per row, what is needed to bound
/// the error of scoring it from the copy. The compressed scan gives every row an interval that is proven to
/// contain its exact float32 score; only rows whose interval reaches the K-th best lower bound are rescored in float32.
/// </summary>
/// <remarks>
/// Row <c>v = s·c + e</c> (codes <c>c</c> in [−127, 127], <c>s = max|vᵢ|/127</c>) and query <c>u = t·d + f</c>
/// (<see cref="VectorQuantizedQuery"/>). Then <c>v·u = s·t·(c·d) + s·c·f + e·u</c>, so by Cauchy–Schwarz
/// <c>|v·u − s·t·(c·d)| ≤ ‖s·c‖·‖f‖ + ‖e‖·‖u‖</c>. The float32 dot product that ranks results differs from
/// <c>v·u</c> by at most <c>γₙ·Σ|vᵢuᵢ| ≤ γₙ·(‖s·c‖ + ‖e‖)·‖u‖</c> with <c>γₙ = n·2⁻²⁴/(1 − n·2⁻²⁴)</c>, whatever the
/// summation order. <c>c·d</c> is an exact integer; the norms are computed in double and stored rounded up.
/// </remarks>
internal sealed class VectorQuantizedRows
{
    // Covers the double rounding of s·t·(c·d) and of the per-query norms (relative 1e-16 on values ≤ ~1).
    private const double ArithmeticSlack = 1e-9;

    private byte[] _codes = []; // code + 128, see VectorInt8Dot
    private RowBound[] _bounds = [];
    private int _dimensions;

    /// <summary>Drops every row and sets the dimension (an emptied collection may change it).</summary>
    public void Reset(int capacity, int dimensions)
    {
        _dimensions = dimensions;
        _codes = new byte[checked(capacity * dimensions)];
        _bounds = new RowBound[capacity];
    }

    public void Resize(int capacity)
    {
        Array.Resize(ref _codes, checked(capacity * _dimensions));
        Array.Resize(ref _bounds, capacity);
    }

    public void Set(int row, ReadOnlySpan<float> unitVector)
    {
        var codes = _codes.AsSpan(row * _dimensions, _dimensions);
        float maxAbs = 0;
        foreach (var value in unitVector) maxAbs = MathF.Max(maxAbs, MathF.Abs(value));
        if (maxAbs == 0)
        {
            codes.Fill(128);
            _bounds[row] = default;
            return;
        }
        var scale = maxAbs / 127f;
        double quantizedSquares = 0, errorSquares = 0;
        for (var i = 0; i < codes.Length; i++)
        {
            var code = (int)Math.Clamp(MathF.Round(unitVector[i] / scale), -127, 127);
            codes[i] = (byte)(code + 128);
            var quantized = (double)scale * code; // exact: 24-bit × 8-bit mantissas
            quantizedSquares += quantized * quantized;
            var error = unitVector[i] - quantized;
            errorSquares += error * error;
        }
        _bounds[row] = new RowBound(scale, RoundUp(Math.Sqrt(quantizedSquares)), RoundUp(Math.Sqrt(errorSquares)));
    }

    public void Move(int from, int to)
    {
        _codes.AsSpan(from * _dimensions, _dimensions).CopyTo(_codes.AsSpan(to * _dimensions, _dimensions));
        _bounds[to] = _bounds[from];
    }

    /// <summary>
    /// Scores rows [from, to) from the int8 copy: offers each row's lower bound to <paramref name="lowerBounds"/> and
    /// adds the row, with its upper bound, to <paramref name="candidates"/> unless that upper bound is already below
    /// the K-th largest lower bound seen (the threshold only rises, so such a row can never enter the top K).
    /// </summary>
    public void Scan(VectorQuantizedQuery query, int from, int to, VectorBoundHeap lowerBounds, List<(int Row, double UpperBound)> candidates)
    {
        var dimensions = _dimensions;
        var gamma = dimensions * Math.ScaleB(1, -24) / (1 - dimensions * Math.ScaleB(1, -24));
        // radius = ‖s·c‖·(‖f‖ + γ‖u‖) + ‖e‖·(1 + γ)‖u‖ + slack; see the remarks.
        var quantizedWeight = query.ErrorNorm + gamma * query.Norm;
        var errorWeight = (1 + gamma) * query.Norm;
        var queryScale = query.Scale;
        var offset = 128 * query.CodeSum;
        ref var queryCodes = ref MemoryMarshal.GetArrayDataReference(query.Codes);
        ref var wideQueryCodes = ref MemoryMarshal.GetArrayDataReference(query.WideCodes);
        ref var codes = ref MemoryMarshal.GetArrayDataReference(_codes);
        var bounds = _bounds;
        var threshold = lowerBounds.Threshold;
        for (var row = from; row < to; row++)
        {
            var bound = bounds[row];
            var dot = VectorInt8Dot.Compute(ref Unsafe.Add(ref codes, (nint)row * dimensions), ref queryCodes, ref wideQueryCodes, dimensions) - offset;
            var estimate = bound.Scale * queryScale * dot;
            var radius = bound.QuantizedNorm * quantizedWeight + bound.ErrorNorm * errorWeight + ArithmeticSlack;
            if (estimate + radius < threshold) continue; // its lower bound is lower still: the heap would not take it
            candidates.Add((row, estimate + radius));
            lowerBounds.Offer(estimate - radius);
            threshold = lowerBounds.Threshold;
        }
    }

    // The nearest float may be below the double; the next one up is not.
    private static float RoundUp(double value) => MathF.BitIncrement((float)value);

    /// <summary>Per row: the int8 scale s, ‖s·c‖ and ‖v − s·c‖ (both rounded up).</summary>
    private readonly record struct RowBound(float Scale, float QuantizedNorm, float ErrorNorm);
}
