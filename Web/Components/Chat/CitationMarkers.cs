using System.Text.RegularExpressions;
using RagLab.Contracts;

namespace RagLab.Web.Components.Chat;

/// <summary>One piece of an answer: text, or a citation marker such as <c>[2]</c> with the citations it points at.</summary>
public sealed record AnswerPart(string Text, IReadOnlyList<(int Number, AskCitation Citation)> Citations);

/// <summary>
/// Splits an answer at its <c>[n]</c> markers. A marker numbers a source in the prompt, i.e. the n-th retrieved chunk
/// (<see cref="AskResponse.Retrieved"/>); it links to the citation of that chunk.
/// </summary>
public static partial class CitationMarkers
{
    public static IReadOnlyList<AnswerPart> Split(string text, AskResponse? response)
    {
        var parts = new List<AnswerPart>();
        if (response is null || response.Citations.Count == 0)
        {
            parts.Add(new AnswerPart(text, []));
            return parts;
        }
        var copied = 0;
        foreach (Match marker in Marker().Matches(text))
        {
            var cited = marker.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(n => int.TryParse(n, out var number) ? number : 0)
                .Select(number => (number, citation: CitationOf(number, response)))
                .Where(c => c.citation is not null)
                .Select(c => (c.number, c.citation!))
                .ToList();
            if (cited.Count == 0) continue;
            if (marker.Index > copied) parts.Add(new AnswerPart(text[copied..marker.Index], []));
            parts.Add(new AnswerPart(marker.Value, cited));
            copied = marker.Index + marker.Length;
        }
        if (copied < text.Length) parts.Add(new AnswerPart(text[copied..], []));
        return parts;
    }

    /// <summary>The number a citation's marker carries in the answer, or its place in the list when it has no marker.</summary>
    public static int NumberOf(AskCitation citation, AskResponse response)
    {
        var rank = response.Retrieved?.ToList().IndexOf(citation.ChunkId) ?? -1;
        return rank >= 0 ? rank + 1 : response.Citations.ToList().IndexOf(citation) + 1;
    }

    private static AskCitation? CitationOf(int number, AskResponse response) =>
        response.Retrieved is { } retrieved && number >= 1 && number <= retrieved.Count
            ? response.Citations.FirstOrDefault(c => c.ChunkId == retrieved[number - 1])
            : null;

    [GeneratedRegex(@"\[(\d+(?:\s*,\s*\d+)*)\]")]
    private static partial Regex Marker();
}
