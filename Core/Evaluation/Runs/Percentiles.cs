namespace RagLab.Core.Evaluation.Runs;

/// <summary>Percentiles by linear interpolation between closest ranks (NumPy's default), so small samples give stable values.</summary>
public static class Percentiles
{
    /// <param name="p">0 to 100.</param>
    public static double Of(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0) throw new ArgumentException("No samples.", nameof(sorted));
        var position = (sorted.Count - 1) * p / 100.0;
        var lower = (int)Math.Floor(position);
        var upper = (int)Math.Ceiling(position);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }

    public static LatencyStats? Stats(IEnumerable<double> samples)
    {
        var sorted = samples.Where(double.IsFinite).Order().ToArray();
        return sorted.Length == 0 ? null : new LatencyStats(Of(sorted, 50), Of(sorted, 95), sorted.Average(), sorted.Length);
    }
}
