using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using RagLab.Contracts;

namespace RagLab.Web.Downloads;

/// <summary>A questionnaire as a query string, so a plain link can download the report it produces.</summary>
public static class QuestionnaireQuery
{
    public static string ToQuery(Questionnaire q)
    {
        var values = new Dictionary<string, string?>
        {
            ["knowledgeChanges"] = q.KnowledgeChanges.ToString(),
            ["citationsRequired"] = q.CitationsRequired ? "true" : "false",
            ["latencyBudgetMs"] = q.LatencyBudgetMs?.ToString(CultureInfo.InvariantCulture),
            ["monthlyQueries"] = q.MonthlyQueries.ToString(CultureInfo.InvariantCulture),
            ["trainingBudgetDollars"] = q.TrainingBudgetDollars.ToString(CultureInfo.InvariantCulture),
            ["labelledExamples"] = q.LabelledExamples.ToString(CultureInfo.InvariantCulture),
            ["teamMlExperience"] = q.TeamMlExperience.ToString(),
            ["mustRunOffline"] = q.MustRunOffline ? "true" : "false",
        };
        return QueryHelpers.AddQueryString("", values.Where(v => v.Value is not null)!);
    }

    /// <exception cref="FormatException">A value is not what the questionnaire takes; the message names it.</exception>
    public static Questionnaire FromQuery(IQueryCollection query)
    {
        var defaults = new Questionnaire();
        return new Questionnaire(
            Enum<KnowledgeChangeFrequency>(query, "knowledgeChanges") ?? defaults.KnowledgeChanges,
            Bool(query, "citationsRequired") ?? defaults.CitationsRequired,
            Number(query, "latencyBudgetMs") ?? defaults.LatencyBudgetMs,
            (long?)Number(query, "monthlyQueries") ?? defaults.MonthlyQueries,
            Number(query, "trainingBudgetDollars") ?? defaults.TrainingBudgetDollars,
            (int?)Number(query, "labelledExamples") ?? defaults.LabelledExamples,
            Enum<MlExperience>(query, "teamMlExperience") ?? defaults.TeamMlExperience,
            Bool(query, "mustRunOffline") ?? defaults.MustRunOffline);
    }

    private static string? Text(IQueryCollection query, string name) => query[name].FirstOrDefault() is { Length: > 0 } text ? text : null;

    private static T? Enum<T>(IQueryCollection query, string name) where T : struct, Enum =>
        Text(query, name) is not { } text ? null
        : System.Enum.TryParse<T>(text, ignoreCase: true, out var value) && System.Enum.IsDefined(value) ? value
        : throw new FormatException($"'{name}' must be one of {string.Join(", ", System.Enum.GetNames<T>())}; it was '{text}'.");

    private static bool? Bool(IQueryCollection query, string name) =>
        Text(query, name) is not { } text ? null
        : bool.TryParse(text, out var value) ? value
        : throw new FormatException($"'{name}' must be true or false; it was '{text}'.");

    private static double? Number(IQueryCollection query, string name) =>
        Text(query, name) is not { } text ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value
        : throw new FormatException($"'{name}' must be a number of at least 0; it was '{text}'.");
}
