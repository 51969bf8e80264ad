namespace RagLab.Contracts;

/// <summary>LoRA hyperparameters; every field is optional (defaults r=16, alpha=32, dropout 0.05, lr 2e-4, 2 epochs, batch 4 × 4, 2048 tokens).</summary>
public sealed record FineTuneHyperparametersRequest(
    int? Rank = null, int? Alpha = null, double? Dropout = null, double? LearningRate = null, int? Epochs = null,
    int? BatchSize = null, int? GradientAccumulation = null, int? MaxSeqLength = null);

/// <summary>The body of <c>POST /api/finetunes</c>.</summary>
/// <param name="Backend"><c>local</c> (the LoRA trainer) or <c>openai</c> (an OpenAI-compatible fine-tuning API); null: the configured default.</param>
/// <param name="BaseModel">The chat model to start from; null: the connected chat model.</param>
public sealed record CreateFineTuneRequest(string? DatasetId, string? Backend = null, string? BaseModel = null, FineTuneHyperparametersRequest? Hyperparameters = null);

public sealed record FineTuneHyperparametersResponse(int Rank, int Alpha, double Dropout, double LearningRate, int Epochs, int BatchSize, int GradientAccumulation, int MaxSeqLength);

/// <summary>A fine-tuning job, from <c>GET /api/finetunes</c> and <c>GET /api/finetunes/{id}</c>.</summary>
/// <param name="Status"><c>validating</c>, <c>queued</c>, <c>running</c>, <c>registering</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</param>
public sealed record FineTuneResponse(
    string Id,
    string Collection,
    string DatasetId,
    string Backend,
    string BaseModel,
    string TrainerModel,
    FineTuneHyperparametersResponse Hyperparameters,
    string Status,
    int Step,
    int TotalSteps,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? ModelName,
    int? Version,
    bool CancelRequested,
    string? Error);

public sealed record TrainingMetricResponse(int Step, double? Epoch, double? TrainLoss, double? ValidLoss, double? LearningRate);

/// <summary>One event of a fine-tuning job, from <c>GET /api/finetunes/{id}/events</c> (JSON, or Server-Sent Events with <c>Accept: text/event-stream</c>).</summary>
/// <param name="Kind"><c>status</c>, <c>metric</c> or <c>message</c>.</param>
public sealed record FineTuneEventResponse(long Sequence, DateTimeOffset At, string Kind, string Message, string? Status = null, TrainingMetricResponse? Metric = null);

/// <summary>The forgetting probe of a version: shipped general-knowledge questions asked of the base model and of the version.</summary>
/// <param name="BaseAccuracy">The base model's accuracy, in percent (0 to 100); null when the probe could not run.</param>
/// <param name="VersionAccuracy">The version's accuracy, in percent.</param>
/// <param name="Drop">Base minus version accuracy, in percentage points (positive: the version forgot).</param>
/// <param name="Error">Why the probe could not run (the version is still usable).</param>
public sealed record ForgettingResponse(int Questions, double? BaseAccuracy, double? VersionAccuracy, double? Drop, string? Error);

public sealed record TrainingCostResponse(double Usd, string Basis);

/// <summary>A registered fine-tuned model of a collection, from <c>GET /api/finetunes/versions</c>.</summary>
public sealed record ModelVersionResponse(
    string Id,
    string Collection,
    int Number,
    string ModelName,
    string Provider,
    string FineTuneJobId,
    string DatasetId,
    string BaseModel,
    FineTuneHyperparametersResponse Hyperparameters,
    double? FinalTrainLoss,
    double? FinalValidLoss,
    double TrainingSeconds,
    TrainingCostResponse? Cost,
    DateTimeOffset CreatedAt,
    bool Active,
    ForgettingResponse? Forgetting);

/// <summary>What <c>GET /api/models</c> shows: the chat model, the trainers, and each collection's fine-tuned versions.</summary>
public sealed record ModelsResponse(string? ChatModel, bool ChatAvailable, IReadOnlyList<TrainerResponse> Trainers, IReadOnlyList<ModelVersionResponse> Versions);

/// <summary>A configured trainer back-end and what it says about itself.</summary>
public sealed record TrainerResponse(string Backend, bool Reachable, string? Gpu, double? GpuMemoryGb, string? Error);
