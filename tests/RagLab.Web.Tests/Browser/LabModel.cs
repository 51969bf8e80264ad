using System.Text.RegularExpressions;
using RagLab.Testing;

namespace RagLab.Web.Tests.Browser;

/// <summary>
/// What the in-test model server answers: with sources (a <c>rag</c> prompt) it quotes the first sentence of the source
/// that shares most words with the question and cites it; without sources (<c>base</c>) it admits it can only guess.
/// A question that says "slowly" gets a long answer, to have time to stop it.
/// </summary>
public static partial class LabModel
{
    public const string SlowWord = "slowly";
    public const string BaseAnswer = "Without your documents I can only guess from general knowledge, so please check the policy itself before you rely on this answer.";

    public static string Respond(IReadOnlyList<FakeChatMessage> messages)
    {
        var prompt = string.Join("\n", messages.Select(m => m.Content));
        var question = QuestionPattern().Match(prompt) is { Success: true } m ? m.Groups[1].Value : messages.LastOrDefault(x => x.Role == "user")?.Content ?? "";
        if (!prompt.Contains("<context>", StringComparison.Ordinal))
            return BaseAnswer;
        if (question.Contains(SlowWord, StringComparison.OrdinalIgnoreCase))
            return string.Join(' ', Enumerable.Range(1, 150).Select(i => $"word{i}")) + " [1].";

        var words = WordPattern().Matches(question).Select(w => w.Value.ToLowerInvariant()).Where(w => w.Length > 4).ToList();
        var best = SourcePattern().Matches(prompt)
            .Select(s => (Number: s.Groups["n"].Value, Text: s.Groups["text"].Value.Trim(), Score: words.Count(w => s.Groups["text"].Value.Contains(w, StringComparison.OrdinalIgnoreCase))))
            .Where(s => s.Score > 0)
            .OrderByDescending(s => s.Score)
            .FirstOrDefault();
        if (best.Number is null) return "The documents do not contain the answer.";
        // The chunk's own text, without its Markdown heading lines.
        var text = string.Join(' ', best.Text.Split('\n').Where(line => !line.TrimStart().StartsWith('#')).Select(line => line.Trim()).Where(line => line.Length > 0));
        var sentence = SentencePattern().Match(text) is { Success: true } first ? first.Value.Trim() : text;
        return $"According to the sources, {sentence.TrimEnd('.')} [{best.Number}].";
    }

    [GeneratedRegex(@"Question: (.*)")]
    private static partial Regex QuestionPattern();

    [GeneratedRegex(@"\w+")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"^\[(?<n>\d+)\][^\n]*\n(?<text>.*?)(?=^\[\d+\]|</context>|\z)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex SourcePattern();

    [GeneratedRegex(@"[^.!?]+[.!?]")]
    private static partial Regex SentencePattern();
}
