using System.Text.Json.Serialization;
using RagLab.Core.Evaluation.Runs;

namespace RagLab.Core.Evaluation.Reports;

[JsonConverter(typeof(JsonStringEnumConverter<Recommendation>))]
public enum Recommendation { PromptingOnly, Rag, FineTuning, Hybrid, InsufficientEvidence }

[JsonConverter(typeof(JsonStringEnumConverter<Confidence>))]
public enum Confidence { Low, Medium, High }

/// <summary>One reason for the recommendation and the number or answer it rests on.</summary>
/// <param name="Evidence">E.g. "rag 83.3% vs base 16.7% correct (6 questions)" or "questionnaire: knowledge changes weekly".</param>
public sealed record Reason(string Text, string Evidence);

/// <summary>Why the evidence is weaker than it should be, and what to run to strengthen it.</summary>
public sealed record EvidenceWarning(string Problem, string NextStep);

/// <summary>The recommendation with the reasons, warnings and the numbers behind it.</summary>
public sealed record DecisionReport(
    Recommendation Recommendation,
    Confidence Confidence,
    IReadOnlyList<Reason> Reasons,
    IReadOnlyList<EvidenceWarning> Warnings,
    IReadOnlyList<Recommendation> RuledOut,
    Questionnaire Questionnaire,
    EvalRunSummary Summary,
    DecisionThresholds Thresholds);
