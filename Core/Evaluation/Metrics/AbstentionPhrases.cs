using System.Text.RegularExpressions;

namespace RagLab.Core.Evaluation.Metrics;

/// <summary>
/// A minimal "the documents do not say" matcher, used when no other detector is given.
/// Generation's AbstentionDetector is the product-wide one; pass it to the runner when it is available.
/// </summary>
internal static partial class AbstentionPhrases
{
    [GeneratedRegex(@"\b(not (in|found in|mentioned in|covered (in|by)|stated in|present in|contained in) the (provided )?(documents?|context|sources?|text)|(documents?|context|sources?) (do|does) not (say|mention|contain|cover|specify|provide)|(i|we) (don't|do not|cannot|can't) (know|find|answer)|no (relevant )?information (about|on|in)|(cannot|can't|unable to) (be )?(answer|determine|find))", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static bool IsAbstention(string? answer) => !string.IsNullOrWhiteSpace(answer) && Pattern().IsMatch(answer);
}
