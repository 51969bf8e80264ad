using System.Text.Json.Serialization;

namespace RagLab.Infrastructure.FineTuning;

// The local trainer's HTTP contract (Trainer/README.md); camelCase JSON.

/// <summary><c>GET /health</c>.</summary>
internal sealed record TrainerHealthResponse(string Status, TrainerGpu? Gpu);

internal sealed record TrainerGpu(string Name, double MemoryGb);

/// <summary>The <c>config</c> part of <c>POST /jobs</c>.</summary>
internal sealed record TrainerJobConfig(string BaseModel, TrainerHyperparameters Hyperparameters);

internal sealed record TrainerHyperparameters(int Rank, int Alpha, double Dropout, double LearningRate, int Epochs, int BatchSize, int GradientAccumulation, int MaxSeqLength);

/// <summary><c>202</c> of <c>POST /jobs</c>.</summary>
internal sealed record TrainerJobAccepted(string Id, string Status);

/// <summary><c>GET /jobs/{id}</c>.</summary>
internal sealed record TrainerJobResponse(
    string Id,
    string Status,
    int Step,
    int TotalSteps,
    IReadOnlyList<TrainerMetric>? Metrics,
    string? Error,
    IReadOnlyList<TrainerArtifact>? Artifacts);

internal sealed record TrainerMetric(int Step, double? Epoch, double? TrainLoss, double? ValidLoss, double? LearningRate);

internal sealed record TrainerArtifact(string Name, long Bytes, string Sha256);

internal static class TrainerJson
{
    public static readonly System.Text.Json.JsonSerializerOptions Options = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
