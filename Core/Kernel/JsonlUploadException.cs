using System.Text;

namespace RagLab.Core.Kernel;

/// <summary>A line of a JSON Lines upload that could not be used, and why.</summary>
public sealed record JsonlLineError(int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}

/// <summary>
/// Thrown for a JSON Lines upload (a fine-tuning dataset, an eval set) with bad lines: every bad line is listed, none is dropped
/// silently, and nothing of the upload is stored.
/// </summary>
/// <param name="expected">What each line should be, e.g. <c>eval questions ({"question": "…"} per line)</c>.</param>
public sealed class JsonlUploadException(IReadOnlyList<JsonlLineError> errors, int totalLines, string expected)
    : ValidationException(Describe(errors, totalLines, expected))
{
    public IReadOnlyList<JsonlLineError> Errors { get; } = errors;

    private static string Describe(IReadOnlyList<JsonlLineError> errors, int totalLines, string expected)
    {
        const int shown = 20;
        var text = new StringBuilder($"{errors.Count} of {totalLines} lines are not {expected}; nothing was stored. ");
        text.Append(string.Join("; ", errors.Take(shown)));
        if (errors.Count > shown) text.Append($"; and {errors.Count - shown} more");
        return text.Append('.').ToString();
    }
}
