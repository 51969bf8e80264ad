namespace RagLab.Core.Retrieval;

/// <summary>
/// A unit query quantized to int16 for the compressed scan: <c>u = Scale·Codes + f</c> with <c>‖f‖ ≤ ErrorNorm</c>.
/// Int16 makes the query's own quantization error negligible next to the rows' int8 error.
/// </summary>
internal sealed class VectorQuantizedQuery
{
    private VectorQuantizedQuery(short[] codes, double scale, double errorNorm, double norm)
    {
        Codes = codes;
        Scale = scale;
        ErrorNorm = errorNorm;
        Norm = norm;
    }

    public short[] Codes { get; }
    public double Scale { get; }

    /// <summary>‖u − Scale·Codes‖, computed in double.</summary>
    public double ErrorNorm { get; }

    /// <summary>‖u‖ in double (the float unit query is only approximately unit).</summary>
    public double Norm { get; }

    public static VectorQuantizedQuery Create(ReadOnlySpan<float> unitQuery)
    {
        var dimensions = unitQuery.Length;
        // Largest code such that |int8 row|·|code|·dimensions stays below 2^31: the integer dot product cannot overflow.
        var maxCode = (int)Math.Min(short.MaxValue, int.MaxValue / (127L * dimensions));
        double maxAbs = 0;
        foreach (var value in unitQuery) maxAbs = Math.Max(maxAbs, Math.Abs((double)value));
        var codes = new short[dimensions];
        double errorSquares = 0, normSquares = 0;
        var scale = maxAbs == 0 ? 0 : maxAbs / maxCode;
        for (var i = 0; i < dimensions; i++)
        {
            double value = unitQuery[i];
            var code = scale == 0 ? 0 : (int)Math.Clamp(Math.Round(value / scale), -maxCode, maxCode);
            codes[i] = (short)code;
            var error = value - scale * code;
            errorSquares += error * error;
            normSquares += value * value;
        }
        return new VectorQuantizedQuery(codes, scale, Math.Sqrt(errorSquares), Math.Sqrt(normSquares));
    }
}
