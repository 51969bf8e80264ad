using System.ClientModel;
using System.Text.Json;
using OpenAI;
using OpenAI.Files;
using OpenAI.FineTuning;
using RagLab.Core.FineTuning.Training;

namespace RagLab.Infrastructure.FineTuning;

#pragma warning disable OPENAI001 // the SDK marks its fine-tuning client experimental; it is the API's official .NET client

/// <summary>
/// An OpenAI-compatible fine-tuning API through the OpenAI SDK: the dataset goes up with <c>/v1/files</c> (purpose
/// <c>fine-tune</c>), the job runs at <c>/v1/fine_tuning/jobs</c>, losses come from its metrics events, and the fine-tuned model
/// is then used through the OpenAI-compatible chat path of the same server.
/// </summary>
public sealed class OpenAiFineTuningBackend(OpenAIClient client, OpenAiFineTuningOptions options) : ITrainerBackend
{
    public const string BackendName = "openai";

    private readonly FineTuningClient _jobs = client.GetFineTuningClient();
    private readonly OpenAIFileClient _files = client.GetOpenAIFileClient();

    public string Name => BackendName;

    /// <summary>The API serves models by their own ids: a named model is used as is, no name means the configured base model.</summary>
    public string? TrainerModelFor(string baseModel) => baseModel.Length > 0 ? baseModel : options.BaseModel;

    public async Task<TrainerHealth> GetHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in _jobs.GetJobsAsync(new FineTuningJobCollectionOptions { PageSize = 1 }, cancellationToken)) break;
            return new TrainerHealth(true, Name, null, null);
        }
        catch (ClientResultException ex)
        {
            return new TrainerHealth(false, Name, null, null, $"The fine-tuning API answered {ex.Status}: {ex.Message}");
        }
    }

    public async Task<string> SubmitAsync(TrainerSubmission submission, CancellationToken cancellationToken)
    {
        try
        {
            OpenAIFile train = await _files.UploadFileAsync(BinaryData.FromBytes(submission.TrainJsonl), $"{submission.JobId}-train.jsonl", FileUploadPurpose.FineTune);
            OpenAIFile? validation = submission.ValidationJsonl.Length == 0 ? null
                : await _files.UploadFileAsync(BinaryData.FromBytes(submission.ValidationJsonl), $"{submission.JobId}-validation.jsonl", FileUploadPurpose.FineTune);
            var h = submission.Hyperparameters;
            var job = await _jobs.FineTuneAsync(submission.TrainerModel, train.Id, waitUntilCompleted: false, new global::OpenAI.FineTuning.FineTuningOptions
            {
                ValidationFile = validation?.Id,
                Suffix = $"raglab-{submission.Collection}",
                TrainingMethod = FineTuningTrainingMethod.CreateSupervised(
                    HyperparameterBatchSize.CreateSize(h.BatchSize),
                    HyperparameterEpochCount.CreateEpochCount(h.Epochs),
                    options.LearningRateMultiplier is { } multiplier ? HyperparameterLearningRate.CreateMultiplier(multiplier) : HyperparameterLearningRate.CreateAuto()),
            }, cancellationToken);
            return job.JobId;
        }
        catch (ClientResultException ex)
        {
            throw new TrainerException($"The fine-tuning API refused the job ({ex.Status}): {ex.Message}", ex);
        }
    }

    public async Task<TrainerJobState> GetStateAsync(string externalId, CancellationToken cancellationToken)
    {
        var job = await FineTuningJob.RehydrateAsync(_jobs, externalId, cancellationToken);
        var raw = Raw(job);
        var status = job.Status.ToString() switch
        {
            "validating_files" or "queued" => FineTuneStatus.Queued,
            "running" => FineTuneStatus.Running,
            "succeeded" => FineTuneStatus.Succeeded,
            "failed" => FineTuneStatus.Failed,
            "cancelled" => FineTuneStatus.Cancelled,
            var other => throw new TrainerException($"The fine-tuning API reports job {externalId} as '{other}'."),
        };

        var metrics = new List<TrainingMetric>();
        var totalSteps = 0;
        await foreach (var e in job.GetEventsAsync(new GetEventsOptions { PageSize = 100 }, cancellationToken))
        {
            if (e.Kind != FineTuningJobEventKind.Metrics || e.Data is null) continue;
            using var data = JsonDocument.Parse(e.Data);
            var d = data.RootElement;
            if (Int(d, "step") is not { } step) continue;
            totalSteps = Math.Max(totalSteps, Int(d, "total_steps") ?? 0);
            metrics.Add(new TrainingMetric(step, null, Number(d, "train_loss"), Number(d, "valid_loss"), null));
        }
        metrics = [.. metrics.GroupBy(m => m.Step).Select(g => g.First()).OrderBy(m => m.Step)];
        var error = raw.TryGetProperty("error", out var e2) && e2.ValueKind == JsonValueKind.Object ? Text(e2, "message") ?? Text(e2, "code") : null;
        return new TrainerJobState(status, metrics.Count == 0 ? 0 : metrics[^1].Step, totalSteps, metrics, error,
            raw.TryGetProperty("trained_tokens", out var tokens) && tokens.ValueKind == JsonValueKind.Number ? tokens.GetInt64() : null);
    }

    public async Task CancelAsync(string externalId, CancellationToken cancellationToken)
    {
        var job = await FineTuningJob.RehydrateAsync(_jobs, externalId, cancellationToken);
        await job.CancelAndUpdateAsync(cancellationToken);
    }

    public async Task<RegisteredModel> RegisterAsync(FineTuneJob job, string modelName, Func<string, Task> report, CancellationToken cancellationToken)
    {
        var state = await FineTuningJob.RehydrateAsync(_jobs, job.ExternalId!, cancellationToken);
        var model = Text(Raw(state), "fine_tuned_model")
            ?? throw new TrainerException($"The fine-tuning API's job {job.ExternalId} succeeded without naming its fine_tuned_model.");
        await report($"The fine-tuning API serves the result as {model}; it is version {modelName} of the registry.");
        return new RegisteredModel(model, "openai");
    }

    /// <summary>The job's JSON as the server sent it: this SDK version does not expose <c>fine_tuned_model</c>, <c>error</c> or <c>trained_tokens</c>.</summary>
    private static JsonElement Raw(FineTuningJob job)
    {
        using var document = JsonDocument.Parse(job.GetRawResponse().Content);
        return document.RootElement.Clone();
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    private static double? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
