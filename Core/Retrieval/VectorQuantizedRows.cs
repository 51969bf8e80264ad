using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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

    // Rows live in segments of RowsPerSegment rows (a power of two): growing adds a segment, or doubles the last
    // one while it is smaller than that, so the matrix is never copied whole. Only the last segment may be short.
    private readonly List<byte[]> _codes = []; // code + 128, see VectorInt8Dot
    private readonly List<RowBound[]> _bounds = [];
    private int _dimensions;
    private int _segmentShift;
    private int _capacity;

    public int RowsPerSegment => 1 << _segmentShift;

    /// <summary>Drops every row and sets the dimension (an emptied collection may change it).</summary>
    /// <param name="rowsPerSegment">Rounded down to a power of two.</param>
    public void Reset(int capacity, int dimensions, int rowsPerSegment = 1 << 15)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerSegment, 1);
        _dimensions = dimensions;
        _segmentShift = System.Numerics.BitOperations.Log2((uint)rowsPerSegment);
        _codes.Clear();
        _bounds.Clear();
        _capacity = 0;
        EnsureCapacity(capacity);
    }

    /// <summary>Makes room for <paramref name="rows"/> rows, keeping the ones there.</summary>
    public void EnsureCapacity(int rows)
    {
        var segmentRows = RowsPerSegment;
        while (_capacity < rows)
        {
            var last = _codes.Count - 1;
            var lastRows = last < 0 ? segmentRows : _bounds[last].Length;
            if (lastRows < segmentRows)
            {
                // The last segment is short: double it (at most to a full segment); only its rows are copied.
                var grown = Math.Min(segmentRows, Math.Max(2 * lastRows, rows - (last << _segmentShift)));
                var codes = _codes[last];
                Array.Resize(ref codes, checked(grown * _dimensions));
                _codes[last] = codes;
                var bounds = _bounds[last];
                Array.Resize(ref bounds, grown);
                _bounds[last] = bounds;
                _capacity += grown - lastRows;
                continue;
            }
            var size = Math.Min(segmentRows, Math.Max(rows - _capacity, 64));
            _codes.Add(new byte[checked(size * _dimensions)]);
            _bounds.Add(new RowBound[size]);
            _capacity += size;
        }
    }

    /// <summary>Bytes held: the codes and the per-row bounds.</summary>
    public long AllocatedBytes => (long)_capacity * (_dimensions + Unsafe.SizeOf<RowBound>());

    public void Set(int row, ReadOnlySpan<float> unitVector)
    {
        var (segment, local) = Locate(row);
        var codes = _codes[segment].AsSpan(local * _dimensions, _dimensions);
        float maxAbs = 0;
        foreach (var value in unitVector) maxAbs = MathF.Max(maxAbs, MathF.Abs(value));
        if (maxAbs == 0)
        {
            codes.Fill(128);
            _bounds[segment][local] = default;
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
        _bounds[segment][local] = new RowBound(scale, RoundUp(Math.Sqrt(quantizedSquares)), RoundUp(Math.Sqrt(errorSquares)));
    }

    public void Move(int from, int to)
    {
        var (fromSegment, fromLocal) = Locate(from);
        var (toSegment, toLocal) = Locate(to);
        _codes[fromSegment].AsSpan(fromLocal * _dimensions, _dimensions).CopyTo(_codes[toSegment].AsSpan(toLocal * _dimensions, _dimensions));
        _bounds[toSegment][toLocal] = _bounds[fromSegment][fromLocal];
    }

    /// <summary>Writes the codes and bounds of rows [0, count) (a snapshot; see <see cref="ReadFrom"/>).</summary>
    public void WriteTo(Stream stream, int count)
    {
        for (var segment = 0; segment << _segmentShift < count; segment++)
        {
            var rows = Math.Min(RowsPerSegment, count - (segment << _segmentShift));
            stream.Write(_codes[segment].AsSpan(0, rows * _dimensions));
            stream.Write(MemoryMarshal.AsBytes(_bounds[segment].AsSpan(0, rows)));
        }
    }

    /// <summary>Makes room for <paramref name="count"/> rows and reads them as <see cref="WriteTo"/> wrote them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a restart runs it once, before tiered compilation would get to it
    public void ReadFrom(Stream stream, int count)
    {
        EnsureCapacity(count);
        for (var segment = 0; segment << _segmentShift < count; segment++)
        {
            var rows = Math.Min(RowsPerSegment, count - (segment << _segmentShift));
            stream.ReadExactly(_codes[segment].AsSpan(0, rows * _dimensions));
            stream.ReadExactly(MemoryMarshal.AsBytes(_bounds[segment].AsSpan(0, rows)));
        }
    }

    private (int Segment, int Local) Locate(int row) => (row >> _segmentShift, row & (RowsPerSegment - 1));

    /// <summary>
    /// Scores rows [from, to) from the int8 copy: offers each row's lower bound to <paramref name="lowerBounds"/> and
    /// adds the row, with its upper bound, to <paramref name="candidates"/> unless that upper bound is already below
    /// the K-th largest lower bound seen (the threshold only rises, so such a row can never enter the top K). With
    /// <paramref name="readable"/>, a row whose access class (<paramref name="rowAccess"/>) it marks unreadable is skipped unscored:
    /// the heap then holds bounds of readable rows only, so the threshold is that of the reader's top K.
    /// </summary>
    public void Scan(VectorQuantizedQuery query, int from, int to, VectorBoundHeap lowerBounds, List<(int Row, double UpperBound)> candidates,
        int[]? rowAccess = null, bool[]? readable = null)
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
        var threshold = lowerBounds.Threshold;
        var row = from;
        for (var segment = from >> _segmentShift; row < to; segment++)
        {
            var first = segment << _segmentShift;
            var end = Math.Min(to, first + RowsPerSegment);
            ref var codes = ref MemoryMarshal.GetArrayDataReference(_codes[segment]);
            var bounds = _bounds[segment];
            for (; row < end; row++)
            {
                if (readable is not null && !readable[rowAccess![row]]) continue; // not the reader's: never scored
                var local = row - first;
                var bound = bounds[local];
                var dot = VectorInt8Dot.Compute(ref Unsafe.Add(ref codes, (nint)local * dimensions), ref queryCodes, ref wideQueryCodes, dimensions) - offset;
                var estimate = bound.Scale * queryScale * dot;
                var radius = bound.QuantizedNorm * quantizedWeight + bound.ErrorNorm * errorWeight + ArithmeticSlack;
                if (estimate + radius < threshold) continue; // its lower bound is lower still: the heap would not take it
                candidates.Add((row, estimate + radius));
                lowerBounds.Offer(estimate - radius);
                threshold = lowerBounds.Threshold;
            }
        }
    }

    // The nearest float may be below the double; the next one up is not.
    private static float RoundUp(double value) => MathF.BitIncrement((float)value);

    /// <summary>Per row: the int8 scale s, ‖s·c‖ and ‖v − s·c‖ (both rounded up).</summary>
    private readonly record struct RowBound(float Scale, float QuantizedNorm, float ErrorNorm);
}
