using System.Text.Json.Serialization;

namespace RagLab.Core.Evaluation.Reports;

[JsonConverter(typeof(JsonStringEnumConverter<KnowledgeChangeFrequency>))]
public enum KnowledgeChangeFrequency { Daily, Weekly, Monthly, Quarterly, Yearly, Never }

[JsonConverter(typeof(JsonStringEnumConverter<MlExperience>))]
public enum MlExperience { None, Some, Experienced }

/// <summary>What the measurements cannot tell: the situation the answer has to work in.</summary>
/// <param name="LatencyBudgetMs">The slowest acceptable answer at the 95th percentile; null when latency does not matter.</param>
/// <param name="TrainingBudgetDollars">What may be spent on training; 0 rules fine-tuning out.</param>
/// <param name="LabelledExamples">Question/answer pairs available for training (not the eval set).</param>
public sealed record Questionnaire(
    KnowledgeChangeFrequency KnowledgeChanges = KnowledgeChangeFrequency.Monthly,
    bool CitationsRequired = false,
    double? LatencyBudgetMs = null,
    long MonthlyQueries = 10_000,
    double TrainingBudgetDollars = 0,
    int LabelledExamples = 0,
    MlExperience TeamMlExperience = MlExperience.Some,
    bool MustRunOffline = false);
