using RagLab.Core.FineTuning.Datasets;
using RagLab.Core.FineTuning.Registry;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Core.FineTuning.Training;

/// <summary>What a user asks for when starting a fine-tuning job.</summary>
/// <param name="Backend"><c>local</c> or <c>openai</c>; null: <see cref="FineTuningSettings.DefaultBackend"/>.</param>
/// <param name="BaseModel">The chat model to start from; null: the connected chat model (local) or the configured base model (openai).</param>
public sealed record FineTuneRequest(string DatasetId, string? Backend = null, string? BaseModel = null, FineTuneHyperparameters? Hyperparameters = null);

/// <summary>
/// Starts, cancels and lists fine-tuning jobs, and manages the version registry (activate, roll back, delete). Everything a user
/// can get wrong is refused before a job exists.
/// </summary>
public sealed class FineTuneService(
    IFineTuneStore store,
    IEnumerable<ITrainerBackend> backends,
    IEnumerable<IServedModelRemover> servers,
    IJobStore jobs,
    IJobQueue queue,
    IModelProvider models,
    FineTuningSettings settings,
    TimeProvider time)
{
    /// <exception cref="ValidationException">Unknown dataset or back-end, a dataset not ready, a base model the trainer has no mapping for, bad hyperparameters.</exception>
    public async Task<FineTuneJob> StartAsync(FineTuneRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hyperparameters = (request.Hyperparameters ?? new FineTuneHyperparameters()).Validate();
        var dataset = await store.GetDatasetAsync(request.DatasetId ?? "", cancellationToken)
            ?? throw new ValidationException($"No dataset with id '{request.DatasetId}'. Build one with POST /api/datasets or upload one with POST /api/datasets/upload.");
        if (dataset.Status != DatasetStatus.Ready)
            throw new ValidationException($"Dataset '{dataset.Name}' is {dataset.Status.ToString().ToLowerInvariant()}, not ready" + (dataset.Error is null ? "; wait for its build job to finish." : $": {dataset.Error}"));
        if (dataset.Statistics is { TrainExamples: 0 }) throw new ValidationException($"Dataset '{dataset.Name}' has no training examples.");

        var backendName = string.IsNullOrWhiteSpace(request.Backend) ? settings.DefaultBackend : request.Backend.Trim().ToLowerInvariant();
        var backend = backends.FirstOrDefault(b => b.Name == backendName)
            ?? throw new ValidationException(backends.Any()
                ? $"Unknown trainer '{backendName}'. Configured: {string.Join(", ", backends.Select(b => b.Name))}."
                : "No trainer is configured. Start the local trainer (Trainer/README.md) and set RagLab:FineTuning:Trainer:Endpoint, or set RagLab:FineTuning:OpenAI:Endpoint for an OpenAI-compatible fine-tuning API.");
        var baseModel = request.BaseModel?.Trim() is { Length: > 0 } named ? named : await DefaultBaseModelAsync(backend, cancellationToken);
        var trainerModel = backend.TrainerModelFor(baseModel)
            ?? throw new ValidationException($"The {backend.Name} trainer has no model for '{baseModel}'. Map it in RagLab:FineTuning:BaseModels (e.g. \"qwen2.5:1.5b\": \"Qwen/Qwen2.5-1.5B-Instruct\").");

        var now = time.GetUtcNow();
        var ft = new FineTuneJob("ft_" + Guid.NewGuid().ToString("n")[..16], dataset.Collection, dataset.Id, backend.Name, baseModel, trainerModel,
            hyperparameters, FineTuneStatus.Validating, now, now);
        await store.TransitionJobAsync(ft, $"Created: {backend.Name} trainer, {trainerModel}, dataset '{dataset.Name}'.", cancellationToken);
        var job = await jobs.CreateAsync(new FineTunePayload(ft.Id), cancellationToken);
        ft = ft with { JobId = job.Id };
        await store.SaveJobAsync(ft, cancellationToken);
        await queue.EnqueueOrFailAsync(jobs, job, cancellationToken, ex => store.TransitionJobAsync(
            ft with { Status = FineTuneStatus.Failed, Error = ex.Message, FinishedAt = time.GetUtcNow() },
            $"Failed: the job queue refused the job: {ex.Message}", CancellationToken.None));
        return ft;
    }

    private async Task<string> DefaultBaseModelAsync(ITrainerBackend backend, CancellationToken cancellationToken)
    {
        if (backend.TrainerModelFor("") is { Length: > 0 } configured) return configured; // a back-end with one fixed base model
        var status = await models.GetStatusAsync(cancellationToken);
        return status.ChatModel ?? throw new ValidationException("Name the base model (\"baseModel\"): no chat model is configured.");
    }

    /// <exception cref="NotFoundException">No such job.</exception>
    /// <exception cref="ValidationException">The job has already finished.</exception>
    public async Task<FineTuneJob> CancelAsync(string id, CancellationToken cancellationToken)
    {
        var ft = await store.GetJobAsync(id, cancellationToken) ?? throw UnknownJob(id);
        if (ft.Status.IsFinished())
            throw new ValidationException($"Fine-tuning job '{id}' has already {ft.Status.ToString().ToLowerInvariant()}; there is nothing to cancel.");
        await store.RequestCancelAsync(id, cancellationToken);
        await store.AddEventAsync(id, FineTuneEventKind.Message, "Cancel requested.", null, null, cancellationToken);
        return (await store.GetJobAsync(id, cancellationToken))!;
    }

    /// <summary>Makes the version the one its collection's <c>finetuned</c> and <c>hybrid</c> modes use (activate, or roll back to an older one).</summary>
    /// <exception cref="NotFoundException">No such version.</exception>
    public async Task<ModelVersion> ActivateAsync(string versionId, CancellationToken cancellationToken)
    {
        if (!await store.ActivateVersionAsync(versionId, cancellationToken)) throw UnknownVersion(versionId);
        return (await store.GetVersionAsync(versionId, cancellationToken))!;
    }

    /// <summary>
    /// Deletes the version's model where it is served (Ollama or the fine-tuning API's server; no trainer is involved), then
    /// removes it from the registry. Deleting the active version leaves the collection with none.
    /// </summary>
    /// <exception cref="NotFoundException">No such version.</exception>
    /// <exception cref="DependencyUnavailableException">The server that holds the model is not configured or does not answer; the version is kept.</exception>
    public async Task DeleteVersionAsync(string versionId, CancellationToken cancellationToken)
    {
        var version = await store.GetVersionAsync(versionId, cancellationToken) ?? throw UnknownVersion(versionId);
        var server = servers.FirstOrDefault(s => s.Provider == version.Provider)
            ?? throw new DependencyUnavailableException(
                $"Cannot delete {version.ModelName}: it is served by {version.Provider}, which is not configured in this process" +
                (version.Provider == "openai" ? " (set RagLab:FineTuning:OpenAI:Endpoint and ApiKey)." : ".") + " The version is kept.");
        await server.DeleteAsync(version.ModelName, cancellationToken);
        await store.DeleteVersionAsync(versionId, cancellationToken);
    }

    public static NotFoundException UnknownJob(string id) => new($"No fine-tuning job with id '{id}'. List them with GET /api/finetunes.");

    public static NotFoundException UnknownVersion(string id) => new($"No model version with id '{id}'. List them with GET /api/finetunes/versions.");
}
