using RagLab.Core.FineTuning.Training;

namespace RagLab.Core.FineTuning.Registry;

/// <summary>The catastrophic-forgetting check of a version: the shipped general-knowledge questions, base versus tuned.</summary>
/// <param name="Drop">Base accuracy minus the version's, in percentage points (positive: the version forgot).</param>
/// <param name="Error">Why the probe could not run (the version is still usable).</param>
public sealed record ForgettingResult(int Questions, double? BaseAccuracy, double? VersionAccuracy, double? Drop, string? Error = null);

/// <summary>The cost estimate of one training run.</summary>
/// <param name="Basis">How it was computed, e.g. "0.42 GPU-hours × $1.10/h" or "120,000 trained tokens × $8.00/1M".</param>
public sealed record TrainingCost(double Usd, string Basis);

/// <summary>A fine-tuned model of a collection, registered and usable by the <c>finetuned</c> and <c>hybrid</c> modes.</summary>
/// <param name="Number">N in <c>raglab-&lt;collection&gt;-v&lt;N&gt;</c>; never reused within a collection.</param>
/// <param name="ModelName">What the chat model is called where it is served.</param>
/// <param name="Provider"><c>ollama</c> (registered from the local trainer's merged weights) or <c>openai</c> (served by the fine-tuning API's server).</param>
/// <param name="Active">The collection's version the modes use; at most one per collection.</param>
public sealed record ModelVersion(
    string Id,
    string Collection,
    int Number,
    string ModelName,
    string Provider,
    string FineTuneJobId,
    string DatasetId,
    string BaseModel,
    FineTuneHyperparameters Hyperparameters,
    double? FinalTrainLoss,
    double? FinalValidLoss,
    double TrainingSeconds,
    TrainingCost? Cost,
    DateTimeOffset CreatedAt,
    bool Active,
    ForgettingResult? Forgetting = null);
