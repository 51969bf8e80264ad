using RagLab.Contracts;

namespace RagLab.Web.Tests.Components;

/// <summary>The fine-tuning API's answers in the contract's types, as the Api sends them.</summary>
public static class FineTuneSamples
{
    public static readonly FineTuneHyperparametersResponse Hyperparameters = new(16, 32, 0.05, 2e-4, 2, 4, 4, 2048);

    public static DatasetResponse Dataset(string id = "ds_1", string name = "support-raft", string status = "ready", string? error = null) =>
        new(id, name, "default", "raft", status, Samples.When,
            status == "ready" ? new DatasetStatisticsResponse(40, 5, 30, 2, 3, 4, 1, 0.8, 2.5, 310.4, 42.1) : null, ["set-1"], "job-" + id, error);

    public static DatasetDetails Details(DatasetResponse dataset, string question = "How long is the refund window?", string answer = "30 days [1].") =>
        new(dataset,
            [[new DatasetMessage("system", "Answer from the documents."), new DatasetMessage("user", question), new DatasetMessage("assistant", answer)]],
            [[new DatasetMessage("user", "Who pays return shipping?"), new DatasetMessage("assistant", "The customer.")]]);

    public static FineTuneResponse Job(string id = "ft_1", string status = "running", int step = 10, int total = 40, string datasetId = "ds_1",
        string? modelName = null, string? error = null, DateTimeOffset? updated = null) =>
        new(id, "default", datasetId, "local", "qwen2.5:1.5b", "Qwen/Qwen2.5-1.5B-Instruct", Hyperparameters, status, step, total,
            Samples.When, updated ?? Samples.When, Samples.When, status is "succeeded" or "failed" or "cancelled" ? Samples.When.AddMinutes(20) : null,
            modelName, modelName is null ? null : 1, false, error);

    public static FineTuneEventResponse Status(long sequence, string status, string message) =>
        new(sequence, Samples.When.AddSeconds(sequence), "status", message, status);

    public static FineTuneEventResponse Metric(long sequence, int step, double? train, double? validation = null) =>
        new(sequence, Samples.When.AddSeconds(sequence), "metric", $"step {step}: loss {train}", null, new TrainingMetricResponse(step, step / 20.0, train, validation, 2e-4));

    public static ModelVersionResponse Version(string id = "v_1", int number = 1, bool active = true, ForgettingResponse? forgetting = null, string? modelName = null) =>
        new(id, "default", number, modelName ?? $"raglab-default-v{number}", "ollama", "ft_" + number, "ds_1", "qwen2.5:1.5b", Hyperparameters,
            1.21, 1.34, 1260, new TrainingCostResponse(0.38, "0.35 GPU-hours × $1.10/h"), Samples.When, active, forgetting);

    public static TrainerResponse LocalTrainer { get; } = new("local", true, "NVIDIA L4", 22.5, null);

    public static ModelsResponse Models(IReadOnlyList<ModelVersionResponse>? versions = null, bool trainer = true) =>
        new("qwen2.5:1.5b", true, trainer ? [LocalTrainer] : [], versions ?? []);

    /// <summary>What <c>/api/status</c> says when no trainer is configured (the Api's own words).</summary>
    public const string NoTrainer = "not connected: fine-tuning jobs cannot run. Start the LoRA trainer (Trainer/README.md; the AppHost runs it with a GPU, or with RagLab:Trainer=python) and set RagLab:FineTuning:Trainer:Endpoint";

    public static StatusResponse StatusWithoutTrainer()
    {
        var status = Samples.Status();
        return status with { Dependencies = [.. status.Dependencies, new DependencyStatus("trainer", "none", null, NoTrainer)] };
    }
}
