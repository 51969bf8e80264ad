using System.Text.Json.Serialization;

namespace RagLab.Core.Evaluation.Sets;

/// <summary>Where an eval set came from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EvalSetSource>))]
public enum EvalSetSource { Jsonl, Beir, Generated }

/// <summary>A stored, versioned set of evaluation questions over one collection.</summary>
/// <param name="Version">1 for the first import of <paramref name="Name"/>; each re-import of the same name adds one.</param>
/// <param name="HeldOutFromTraining">True when fine-tuning must not train on these questions.</param>
public sealed record EvalSet(
    string Id,
    string Name,
    int Version,
    string Collection,
    DateTimeOffset CreatedAt,
    int ItemCount,
    EvalSetSource Source,
    bool HeldOutFromTraining);

/// <summary>A set to import: the store assigns id, version and creation time.</summary>
public sealed record EvalSetDraft(
    string Name,
    string Collection,
    EvalSetSource Source,
    bool HeldOutFromTraining,
    IReadOnlyList<EvalItem> Items);
