using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagLab.Core.FineTuning.Datasets;
using RagLab.Core.FineTuning.Forgetting;
using RagLab.Core.FineTuning.Registry;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Core.FineTuning.Training;

/// <summary>
/// Drives a fine-tuning job through <c>validating → queued → running → registering → succeeded | failed | cancelled</c> as a
/// <c>finetune</c> background job: checks and submits the dataset, polls the trainer (recording every loss as an event and
/// passing a cancel request on), registers the result as <c>raglab-&lt;collection&gt;-v&lt;N&gt;</c>, adds it to the version
/// registry (active) and runs the forgetting probe. Every state is stored first, so a restarted worker resumes where it was:
/// polling the same trainer job, or registering again (blobs already pushed are skipped).
/// </summary>
public sealed class FineTuneRunner(
    IFineTuneStore store,
    IEnumerable<ITrainerBackend> backends,
    ForgettingProbe probe,
    FineTuningSettings settings,
    TimeProvider time,
    ILogger<FineTuneRunner>? logger = null) : IJobHandler
{
    public const string JobKind = "finetune";

    private readonly ILogger _logger = logger ?? NullLogger<FineTuneRunner>.Instance;

    public string Kind => JobKind;

    /// <summary>The name a version is registered under.</summary>
    public static string ModelNameFor(string collection, int version) => $"raglab-{collection}-v{version}";

    public async Task RunAsync(JobRecord job, IJobProgress progress, CancellationToken cancellationToken)
    {
        var id = JobPayloads.Read<FineTunePayload>(job).FineTuneJobId;
        var ft = await store.GetJobAsync(id, cancellationToken) ?? throw new ValidationException($"Fine-tuning job '{id}' no longer exists.");
        if (ft.Status.IsFinished()) return;
        try
        {
            var backend = backends.FirstOrDefault(b => b.Name == ft.Backend)
                ?? throw new TrainerException($"The '{ft.Backend}' trainer is not configured in this process; configure it (RagLab:FineTuning) and start the job again.");
            if (ft.ExternalId is null)
            {
                if (ft.CancelRequested)
                {
                    await FinishAsync(ft, FineTuneStatus.Cancelled, "Cancelled before training started.", null, cancellationToken);
                    return;
                }
                ft = await SubmitAsync(ft, backend, cancellationToken);
            }
            if (ft.Status is FineTuneStatus.Validating or FineTuneStatus.Queued or FineTuneStatus.Running)
            {
                ft = await PollAsync(ft, backend, progress, cancellationToken);
                if (ft.Status.IsFinished()) return;
            }
            ft = await RegisterAsync(ft, backend, progress, cancellationToken);
            await FinishAsync(ft, FineTuneStatus.Succeeded, $"Succeeded: {ft.ModelName} is registered and active for collection '{ft.Collection}'.", null, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Shutdown leaves the job as it is (resumed at the next start); anything else ends it with the reason.
            var current = await store.GetJobAsync(id, CancellationToken.None) ?? ft;
            if (!current.Status.IsFinished())
                await FinishAsync(current, FineTuneStatus.Failed, $"Failed while {Describe(current.Status)}: {ex.Message}", ex.Message, CancellationToken.None);
            throw;
        }
    }

    public async Task OnFailedAsync(JobRecord job, string error, CancellationToken cancellationToken)
    {
        var ft = await store.GetJobAsync(JobPayloads.Read<FineTunePayload>(job).FineTuneJobId, cancellationToken);
        if (ft is not null && !ft.Status.IsFinished())
            await FinishAsync(ft, FineTuneStatus.Failed, $"Failed: {error}", error, cancellationToken);
    }

    private async Task<FineTuneJob> SubmitAsync(FineTuneJob ft, ITrainerBackend backend, CancellationToken cancellationToken)
    {
        ft = await TransitionAsync(ft with { Status = FineTuneStatus.Validating }, "Validating the dataset.", cancellationToken);
        var train = await store.GetExamplesAsync(ft.DatasetId, DatasetSplit.Train, null, cancellationToken);
        var validation = await store.GetExamplesAsync(ft.DatasetId, DatasetSplit.Validation, null, cancellationToken);
        if (train.Count == 0) throw new TrainerException($"Dataset {ft.DatasetId} has no training examples.");
        var invalid = train.Concat(validation).Select((e, i) => (i, error: ChatFormat.Check(e.Messages))).FirstOrDefault(p => p.error is not null);
        if (invalid.error is not null) throw new TrainerException($"Example {invalid.i + 1} of dataset {ft.DatasetId} is not a valid chat example: {invalid.error}");

        var externalId = await backend.SubmitAsync(new TrainerSubmission(ft.Id, ft.Collection, ft.TrainerModel, ft.Hyperparameters,
            await JsonlAsync(train, cancellationToken), await JsonlAsync(validation, cancellationToken)), cancellationToken);
        return await TransitionAsync(ft with { Status = FineTuneStatus.Queued, ExternalId = externalId, StartedAt = time.GetUtcNow() },
            $"Submitted {train.Count} training and {validation.Count} validation examples to the {backend.Name} trainer (its job {externalId}).", cancellationToken);
    }

    private static async Task<byte[]> JsonlAsync(IReadOnlyList<TrainingExample> examples, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await DatasetExporter.WriteAsync(examples, DatasetExportFormat.OpenAi, buffer, cancellationToken);
        return buffer.ToArray();
    }

    private async Task<FineTuneJob> PollAsync(FineTuneJob ft, ITrainerBackend backend, IJobProgress progress, CancellationToken cancellationToken)
    {
        var lastStep = (await store.GetEventsAsync(ft.Id, 0, cancellationToken)).Where(e => e.Metric is not null).Select(e => e.Metric!.Step).DefaultIfEmpty(-1).Max();
        var cancelSent = false;
        var unreachable = 0;
        while (true)
        {
            // Read back every time: the Api marks a cancel request in the store.
            ft = await store.GetJobAsync(ft.Id, cancellationToken) ?? ft;
            if (ft.CancelRequested && !cancelSent)
            {
                await backend.CancelAsync(ft.ExternalId!, cancellationToken);
                cancelSent = true;
                await store.AddEventAsync(ft.Id, FineTuneEventKind.Message, "Cancel requested; the trainer was asked to stop.", null, null, cancellationToken);
            }

            TrainerJobState state;
            try
            {
                state = await backend.GetStateAsync(ft.ExternalId!, cancellationToken);
                unreachable = 0;
            }
            catch (Exception ex) when (ex is not (OperationCanceledException or TrainerException))
            {
                if (++unreachable >= settings.MaxUnreachablePolls)
                    throw new TrainerException($"The {backend.Name} trainer did not answer {unreachable} times in a row: {ex.Message}", ex);
                _logger.LogWarning(ex, "Fine-tuning job {Id}: the trainer did not answer ({Count} in a row)", ft.Id, unreachable);
                await Task.Delay(settings.PollInterval, time, cancellationToken);
                continue;
            }

            foreach (var metric in state.Metrics.Where(m => m.Step > lastStep).OrderBy(m => m.Step))
            {
                await store.AddEventAsync(ft.Id, FineTuneEventKind.Metric, Describe(metric), null, metric, cancellationToken);
                lastStep = metric.Step;
            }
            ft = ft with { Step = state.Step, TotalSteps = state.TotalSteps, TrainedTokens = state.TrainedTokens ?? ft.TrainedTokens };
            switch (state.Status)
            {
                case FineTuneStatus.Running when ft.Status != FineTuneStatus.Running:
                    ft = await TransitionAsync(ft with { Status = FineTuneStatus.Running }, "Training started.", cancellationToken);
                    break;
                case FineTuneStatus.Failed:
                    await store.SaveJobAsync(ft, cancellationToken);
                    throw new TrainerException($"the trainer failed: {state.Error ?? "it gave no reason"}");
                case FineTuneStatus.Cancelled:
                    await FinishAsync(ft, FineTuneStatus.Cancelled, "Cancelled: the trainer stopped.", null, cancellationToken);
                    return (await store.GetJobAsync(ft.Id, cancellationToken))!;
                case FineTuneStatus.Succeeded when ft.CancelRequested:
                    await FinishAsync(ft, FineTuneStatus.Cancelled, "Cancelled: training had finished, and the result was not registered.", null, cancellationToken);
                    return (await store.GetJobAsync(ft.Id, cancellationToken))!;
                case FineTuneStatus.Succeeded:
                    await store.SaveJobAsync(ft, cancellationToken);
                    return ft;
                default:
                    await store.SaveJobAsync(ft with { UpdatedAt = time.GetUtcNow() }, cancellationToken);
                    break;
            }
            if (state.TotalSteps > 0)
                await progress.ReportAsync(0.9 * state.Step / state.TotalSteps, $"step {state.Step} of {state.TotalSteps}", cancellationToken);
            await Task.Delay(settings.PollInterval, time, cancellationToken);
        }
    }

    private async Task<FineTuneJob> RegisterAsync(FineTuneJob ft, ITrainerBackend backend, IJobProgress progress, CancellationToken cancellationToken)
    {
        var trainingSeconds = ((ft.Status == FineTuneStatus.Registering ? ft.UpdatedAt : time.GetUtcNow()) - (ft.StartedAt ?? ft.CreatedAt)).TotalSeconds;
        var number = ft.Version ?? await store.ReserveVersionNumberAsync(ft.Collection, cancellationToken);
        var name = ModelNameFor(ft.Collection, number);
        if (ft.Status != FineTuneStatus.Registering)
            ft = await TransitionAsync(ft with { Status = FineTuneStatus.Registering, Version = number }, $"Training finished; registering the model as {name}.", cancellationToken);
        await progress.ReportAsync(0.9, $"registering {name}", cancellationToken);

        var registered = await backend.RegisterAsync(ft, name, message => store.AddEventAsync(ft.Id, FineTuneEventKind.Message, message, null, null, cancellationToken), cancellationToken);
        ft = ft with { ModelName = registered.ModelName };
        await store.SaveJobAsync(ft, cancellationToken);

        var existing = (await store.ListVersionsAsync(ft.Collection, cancellationToken)).FirstOrDefault(v => v.FineTuneJobId == ft.Id);
        if (existing is null)
        {
            var metrics = (await store.GetEventsAsync(ft.Id, 0, cancellationToken)).Select(e => e.Metric).OfType<TrainingMetric>().ToList();
            existing = new ModelVersion("mv_" + Guid.NewGuid().ToString("n")[..16], ft.Collection, number, registered.ModelName, registered.Provider, ft.Id, ft.DatasetId,
                ft.BaseModel, ft.Hyperparameters, metrics.LastOrDefault(m => m.TrainLoss is not null)?.TrainLoss, metrics.LastOrDefault(m => m.ValidLoss is not null)?.ValidLoss,
                Math.Round(trainingSeconds, 1), settings.EstimateCost(backend.Name, trainingSeconds, ft.TrainedTokens), time.GetUtcNow(), Active: true);
            await store.AddVersionAsync(existing, activate: true, cancellationToken);
        }

        await progress.ReportAsync(0.95, "asking the forgetting probe's questions", cancellationToken);
        var forgetting = await probe.RunAsync(registered.Provider, ft.BaseModel, registered.ModelName, null, cancellationToken);
        await store.SaveForgettingAsync(existing.Id, forgetting, cancellationToken);
        await store.AddEventAsync(ft.Id, FineTuneEventKind.Message, forgetting.Error is { } error
            ? $"Forgetting probe: {error}"
            : $"Forgetting probe: base {forgetting.BaseAccuracy:0.#}% vs {registered.ModelName} {forgetting.VersionAccuracy:0.#}% on {forgetting.Questions} general-knowledge questions (drop {forgetting.Drop:0.#} points).",
            null, null, cancellationToken);
        return ft;
    }

    private async Task<FineTuneJob> TransitionAsync(FineTuneJob ft, string message, CancellationToken cancellationToken)
    {
        ft = ft with { UpdatedAt = time.GetUtcNow() };
        await store.TransitionJobAsync(ft, message, cancellationToken);
        return ft;
    }

    private async Task FinishAsync(FineTuneJob ft, FineTuneStatus status, string message, string? error, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await TransitionAsync(ft with { Status = status, Error = error, FinishedAt = now }, message, cancellationToken);
    }

    private static string Describe(FineTuneStatus status) => status switch
    {
        FineTuneStatus.Validating => "validating",
        FineTuneStatus.Queued => "waiting for the trainer",
        FineTuneStatus.Running => "training",
        FineTuneStatus.Registering => "registering the model",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Describe(TrainingMetric metric) =>
        $"step {metric.Step}" + (metric.Epoch is { } epoch ? $", epoch {epoch:0.##}" : "") + (metric.TrainLoss is { } train ? $", train loss {train:0.####}" : "")
        + (metric.ValidLoss is { } valid ? $", validation loss {valid:0.####}" : "") + (metric.LearningRate is { } lr ? $", lr {lr:0.###e0}" : "");
}
