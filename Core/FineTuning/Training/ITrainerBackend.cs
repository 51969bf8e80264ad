namespace RagLab.Core.FineTuning.Training;

/// <summary>What a trainer says about itself.</summary>
/// <param name="Gpu">The accelerator it trains on, or null for none (training then is impractically slow).</param>
public sealed record TrainerHealth(bool Reachable, string Backend, string? Gpu, double? GpuMemoryGb, string? Error = null);

/// <summary>A training job as it is handed to a trainer: the base model by the trainer's name, the data as chat JSONL.</summary>
public sealed record TrainerSubmission(string JobId, string Collection, string TrainerModel, FineTuneHyperparameters Hyperparameters, byte[] TrainJsonl, byte[] ValidationJsonl);

/// <summary>The trainer's side of a job, in the lab's terms.</summary>
/// <param name="Status">Only <see cref="FineTuneStatus.Queued"/>, <c>Running</c>, <c>Succeeded</c>, <c>Failed</c> or <c>Cancelled</c>.</param>
/// <param name="Metrics">Every metric point so far, in step order.</param>
public sealed record TrainerJobState(FineTuneStatus Status, int Step, int TotalSteps, IReadOnlyList<TrainingMetric> Metrics, string? Error = null, long? TrainedTokens = null);

/// <summary>A trained model made usable by the lab.</summary>
/// <param name="Provider">Where it is served: <c>ollama</c> or <c>openai</c>.</param>
public sealed record RegisteredModel(string ModelName, string Provider);

/// <summary>
/// One fine-tuning back-end: the local LoRA trainer service, or an OpenAI-compatible fine-tuning API. The lifecycle
/// (<see cref="FineTuneRunner"/>) is the same for both.
/// </summary>
public interface ITrainerBackend
{
    /// <summary><c>local</c> or <c>openai</c>.</summary>
    string Name { get; }

    /// <summary>The model the trainer starts from for the lab's base chat model, or null when it has none configured.</summary>
    string? TrainerModelFor(string baseModel);

    Task<TrainerHealth> GetHealthAsync(CancellationToken cancellationToken);

    /// <returns>The trainer's job id.</returns>
    Task<string> SubmitAsync(TrainerSubmission submission, CancellationToken cancellationToken);

    Task<TrainerJobState> GetStateAsync(string externalId, CancellationToken cancellationToken);

    Task CancelAsync(string externalId, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the trained result servable as <paramref name="modelName"/> (the local trainer: download, check and import it into
    /// Ollama). On failure nothing stays half-registered. <paramref name="report"/> is told each step.
    /// </summary>
    Task<RegisteredModel> RegisterAsync(FineTuneJob job, string modelName, Func<string, Task> report, CancellationToken cancellationToken);
}

/// <summary>A trainer step failed in a way retrying will not fix (bad artifact digest, a refused create); the job fails with the message.</summary>
public sealed class TrainerException(string message, Exception? inner = null) : Exception(message, inner);
