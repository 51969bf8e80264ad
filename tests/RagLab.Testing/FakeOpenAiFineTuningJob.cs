using System.Text;
using System.Text.Json;

namespace RagLab.Testing;

/// <summary>A file uploaded to <see cref="FakeOpenAiFineTuningServer"/> (<c>POST /v1/files</c>).</summary>
public sealed record FakeOpenAiFile(string Id, string Filename, string Purpose, byte[] Content, long CreatedAt)
{
    public string Text => Encoding.UTF8.GetString(Content);
}

/// <summary>A fine-tuning job as <see cref="FakeOpenAiFineTuningServer"/> holds it; <see cref="Request"/> is the create body as received.</summary>
public sealed class FakeOpenAiFineTuningJob(string id, string model, string trainingFile, string? validationFile, string? suffix, JsonElement request, long createdAt)
{
    public string Id { get; } = id;
    public string Model { get; } = model;
    public string TrainingFile { get; } = trainingFile;
    public string? ValidationFile { get; } = validationFile;
    public string? Suffix { get; } = suffix;
    public JsonElement Request { get; } = request;
    public long CreatedAt { get; } = createdAt;

    /// <summary><c>validating_files</c>, <c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public string Status { get; internal set; } = "validating_files";
    public int Step { get; internal set; }
    public string? FineTunedModel { get; internal set; }
    public long? FinishedAt { get; internal set; }
    public long? TrainedTokens { get; internal set; }
    public (string Code, string Message)? Error { get; internal set; }
    public List<string> ResultFiles { get; } = [];

    /// <summary>Whether <c>POST /v1/fine_tuning/jobs/{id}/cancel</c> was called while the job ran.</summary>
    public bool CancelRequested { get; internal set; }

    /// <summary>The job's events, oldest first (the API lists them newest first).</summary>
    internal List<FakeOpenAiEvent> Events { get; } = [];

    internal bool IsFinished => Status is "succeeded" or "failed" or "cancelled";

    /// <summary>The supervised hyperparameters the job was created with (<c>method.supervised.hyperparameters</c>, or the deprecated top-level <c>hyperparameters</c>).</summary>
    internal JsonElement? Hyperparameters =>
        Request.TryGetProperty("method", out var method) && method.TryGetProperty("supervised", out var supervised) && supervised.TryGetProperty("hyperparameters", out var h) ? h
        : Request.TryGetProperty("hyperparameters", out var legacy) ? legacy
        : null;
}

/// <summary>A <c>fine_tuning.job.event</c>: <paramref name="Type"/> is <c>message</c> or <c>metrics</c>.</summary>
internal sealed record FakeOpenAiEvent(string Id, long CreatedAt, string Level, string Message, string Type, object? Data);
