namespace RagLab.Core.Retrieval;

/// <summary>
/// A unit query quantized to int8 for the compressed scan: <c>u = Scale·Codes + f</c> with <c>‖f‖ = ErrorNorm</c>.
/// </summary>
internal sealed class VectorQuantizedQuery
{
    private VectorQuantizedQuery(sbyte[] codes, double scale, double errorNorm, double norm)
    {
        Codes = codes;
        WideCodes = Array.ConvertAll(codes, code => (short)code);
        Scale = scale;
        ErrorNorm = errorNorm;
        Norm = norm;
        foreach (var code in codes) CodeSum += code;
    }

    public sbyte[] Codes { get; }

    /// <summary>The codes as shorts, for the scan paths that widen rows to 16 bits.</summary>
    public short[] WideCodes { get; }

    /// <summary>Σ Codes: the scan's rows are offset by 128, so their dot product with the codes is 128·CodeSum too high.</summary>
    public int CodeSum { get; }

    public double Scale { get; }

    /// <summary>‖u − Scale·Codes‖, computed in double.</summary>
    public double ErrorNorm { get; }

    /// <summary>‖u‖ in double (the float unit query is only approximately unit).</summary>
    public double Norm { get; }

    public static VectorQuantizedQuery Create(ReadOnlySpan<float> unitQuery)
    {
        var dimensions = unitQuery.Length;
        // Largest code such that 255·|code|·dimensions stays below 2^31: no integer dot product can overflow.
        var maxCode = (int)Math.Min(sbyte.MaxValue, int.MaxValue / (255L * dimensions));
        double maxAbs = 0;
        foreach (var value in unitQuery) maxAbs = Math.Max(maxAbs, Math.Abs((double)value));
        var codes = new sbyte[dimensions];
        double errorSquares = 0, normSquares = 0;
        var scale = maxAbs == 0 ? 0 : maxAbs / maxCode;
        for (var i = 0; i < dimensions; i++)
        {
            double value = unitQuery[i];
            var code = scale == 0 ? 0 : (int)Math.Clamp(Math.Round(value / scale), -maxCode, maxCode);
            codes[i] = (sbyte)code;
            var error = value - scale * code;
            errorSquares += error * error;
            normSquares += value * value;
        }
        return new VectorQuantizedQuery(codes, scale, Math.Sqrt(errorSquares), Math.Sqrt(normSquares));
    }
}
