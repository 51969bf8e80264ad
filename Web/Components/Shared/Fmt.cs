using System.Globalization;

namespace RagLab.Web.Components.Shared;

/// <summary>How the pages print numbers: "—" where a metric does not apply, never 0.</summary>
public static class Fmt
{
    public const string NotApplicable = "—";

    public static string Score(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : NotApplicable;

    public static string Percent(double? value) => value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %" : NotApplicable;

    /// <summary>Milliseconds to two significant figures below 10 ms (a sub-millisecond retrieval is not "0 ms").</summary>
    public static string Ms(double? value) => value switch
    {
        null => NotApplicable,
        0 => "0 ms",
        < 10 => Significant(value.Value, 2) + " ms",
        < 1000 => value.Value.ToString("0", CultureInfo.InvariantCulture) + " ms",
        _ => (value.Value / 1000).ToString("0.0#", CultureInfo.InvariantCulture) + " s",
    };

    public static string Dollars(double? value) => value switch
    {
        null => NotApplicable,
        0 => "$0",
        < 0.01 => "$" + Significant(value.Value, 2),
        < 100 => "$" + value.Value.ToString("0.00", CultureInfo.InvariantCulture),
        _ => "$" + value.Value.ToString("N0", CultureInfo.InvariantCulture),
    };

    public static string Count(long value) => value switch
    {
        >= 1_000_000 when value % 1_000_000 == 0 => $"{value / 1_000_000}M",
        >= 1_000 when value % 1_000 == 0 => $"{value / 1_000}k",
        _ => value.ToString("N0", CultureInfo.InvariantCulture),
    };

    private static string Significant(double value, int digits)
    {
        var decimals = Math.Max(0, digits - 1 - (int)Math.Floor(Math.Log10(Math.Abs(value))));
        return Math.Round(value, Math.Min(decimals, 15)).ToString("0." + new string('#', Math.Max(1, decimals)), CultureInfo.InvariantCulture);
    }
}
