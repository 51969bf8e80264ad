using System.Reflection;
using System.Text.Json;

namespace RagLab.Core.FineTuning.Forgetting;

/// <summary>A general-knowledge question of the forgetting probe; an answer is right when it contains one of <paramref name="Answers"/>.</summary>
public sealed record ForgettingQuestion(string Question, IReadOnlyList<string> Answers)
{
    private static readonly Lazy<IReadOnlyList<ForgettingQuestion>> Shipped = new(Load);

    /// <summary>The set RagLab ships (<c>general-knowledge.jsonl</c>, written for this probe: facts any chat model of 1B+ parameters knows).</summary>
    public static IReadOnlyList<ForgettingQuestion> GeneralKnowledge => Shipped.Value;

    /// <summary>Whether <paramref name="reply"/> gives one of the accepted answers (case-insensitive, as a whole word or number).</summary>
    public bool IsAnsweredBy(string reply) =>
        Answers.Any(answer => System.Text.RegularExpressions.Regex.IsMatch(reply, $@"(?<![\p{{L}}\p{{N}}]){System.Text.RegularExpressions.Regex.Escape(answer)}(?![\p{{L}}\p{{N}}])",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant));

    private static IReadOnlyList<ForgettingQuestion> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("RagLab.Core.FineTuning.Forgetting.general-knowledge.jsonl")
            ?? throw new InvalidOperationException("The forgetting probe's question set is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var questions = new List<ForgettingQuestion>();
        while (reader.ReadLine() is { } line)
            if (!string.IsNullOrWhiteSpace(line)) questions.Add(JsonSerializer.Deserialize<ForgettingQuestion>(line, options)!);
        return questions;
    }
}
