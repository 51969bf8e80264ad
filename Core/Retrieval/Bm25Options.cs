using RagLab.Core.Kernel;
namespace RagLab.Core.Retrieval;

/// <summary>BM25 parameters. The defaults are Anserini's (k1 = 0.9, b = 0.4), which it uses for BEIR.</summary>
public sealed record Bm25Options
{
    /// <summary>Term-frequency saturation: higher lets repeated terms count for more.</summary>
    public double K1 { get; init; } = 0.9;

    /// <summary>Length normalization, 0 (none) to 1 (full).</summary>
    public double B { get; init; } = 0.4;

    internal void Validate()
    {
        if (!(K1 >= 0) || double.IsInfinity(K1))
            throw new ValidationException($"BM25 k1 must be a finite number ≥ 0 (typical: 0.9 to 1.2); got {K1}.");
        if (!(B >= 0 && B <= 1))
            throw new ValidationException($"BM25 b must be between 0 and 1 (typical: 0.4 to 0.75); got {B}.");
    }
}
