using System.Globalization;
using System.Text.RegularExpressions;

namespace RagLab.Cli.Output;

/// <summary>Number and text formatting shared by the tables (invariant culture, so output is the same everywhere).</summary>
public static partial class Format
{
    public static string Ms(double milliseconds) => milliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    public static string Score(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "—";

    public static string Number(double value, string format = "0.###") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        _ => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
    };

    /// <summary>Whitespace folded to single spaces and cut to <paramref name="length"/> characters with an ellipsis.</summary>
    public static string Snippet(string text, int length = 160)
    {
        var flat = Whitespace().Replace(text, " ").Trim();
        return flat.Length <= length ? flat : flat[..(length - 1)].TrimEnd() + "…";
    }

    public static string Date(DateTimeOffset value) => value.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
