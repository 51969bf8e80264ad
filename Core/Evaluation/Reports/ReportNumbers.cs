using System.Globalization;
using RagLab.Core.Evaluation.Runs;

namespace RagLab.Core.Evaluation.Reports;

/// <summary>How the decision report writes numbers: a value that could not be computed is "n/a", never 0.</summary>
public static class ReportNumbers
{
    public const string NotApplicable = "n/a";

    /// <summary>Milliseconds: two significant figures below 100 ms (0.42, 3.1, 45), whole milliseconds above, so a sub-millisecond
    /// retrieval never prints as "0 ms" beside a published "50–300 ms".</summary>
    public static string Ms(double milliseconds)
    {
        if (!double.IsFinite(milliseconds)) return NotApplicable;
        if (milliseconds == 0 || Math.Abs(milliseconds) >= 100) return milliseconds.ToString("0", CultureInfo.InvariantCulture);
        var digits = 1 - (int)Math.Floor(Math.Log10(Math.Abs(milliseconds)));
        return Math.Round(milliseconds, Math.Max(digits, 0)).ToString(digits > 0 ? "0." + new string('#', digits) : "0", CultureInfo.InvariantCulture);
    }

    /// <summary>A share (0–1) as a percentage with one decimal, or "n/a".</summary>
    public static string Share(double? value) => value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : NotApplicable;

    /// <summary>p50/p95 of a phase, or "n/a" when it was never measured.</summary>
    public static string Latency(LatencyStats? stats) => stats is { Samples: > 0 } s ? $"{Ms(s.P50)}/{Ms(s.P95)}" : NotApplicable;

    /// <summary>The mode and, for a mode that retrieved, its retriever: <c>rag/bm25</c>.</summary>
    public static string Label(ModeSummary mode) => mode.Retriever is null ? mode.Mode : $"{mode.Mode}/{mode.Retriever}";
}
