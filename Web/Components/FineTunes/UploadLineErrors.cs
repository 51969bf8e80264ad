using System.Text.RegularExpressions;
using RagLab.Contracts;

namespace RagLab.Web.Components.FineTunes;

/// <summary>
/// The bad lines named in the Api's refusal of a dataset upload. The Api's detail reads
/// "N of M lines are not valid chat examples (…); nothing was stored. line 2: why; line 5: why; and K more." — the
/// lines are split out so the page can list them.
/// </summary>
public static partial class UploadLineErrors
{
    /// <summary>The summary before the first line, and each named line; no lines when the detail names none.</summary>
    public static (string Summary, IReadOnlyList<DatasetLineError> Lines, string? More) Parse(string detail)
    {
        var matches = LinePattern().Matches(detail);
        if (matches.Count == 0) return (detail, [], null);
        var lines = matches.Select(m => new DatasetLineError(int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["message"].Value)).ToList();
        var more = MorePattern().Match(detail);
        return (detail[..matches[0].Index].Trim(), lines, more.Success ? more.Groups["count"].Value : null);
    }

    // A line's message runs until the next "; line N: ", the "; and K more" tail, or the closing period.
    [GeneratedRegex(@"(?:^|(?<=[.;] ))line (?<line>\d+): (?<message>.+?)(?=; line \d+: |; and \d+ more\.$|\.$|$)", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex LinePattern();

    [GeneratedRegex(@"; and (?<count>\d+) more\.$")]
    private static partial Regex MorePattern();
}
