namespace RagLab.Core.FineTuning.Datasets;

/// <summary>A stored training dataset of one collection, with its statistics; the examples are read separately.</summary>
/// <param name="Settings">How it was built (the build request, or the upload's file name), for the version registry.</param>
/// <param name="JobId">The background job building it (generated datasets).</param>
/// <param name="ExcludedEvalSets">Eval sets whose questions and source chunks were kept out.</param>
public sealed record TrainingDataset(
    string Id,
    string Name,
    string Collection,
    DatasetKind Kind,
    DatasetStatus Status,
    DateTimeOffset CreatedAt,
    DatasetStatistics? Statistics,
    string Settings,
    IReadOnlyList<string> ExcludedEvalSets,
    string? JobId = null,
    string? Error = null);
