namespace RagLab.Core.FineTuning.Training;

/// <summary>One fine-tuning run of a collection's dataset on a trainer back-end.</summary>
/// <param name="Backend"><c>local</c> (the LoRA trainer service) or <c>openai</c> (an OpenAI-compatible fine-tuning API).</param>
/// <param name="BaseModel">The chat model it starts from, as the lab serves it (an Ollama tag, or the OpenAI model id).</param>
/// <param name="TrainerModel">The same model as the trainer names it (a Hugging Face id for the local trainer).</param>
/// <param name="ExternalId">The trainer's job id, once submitted (a restarted worker resumes polling it).</param>
/// <param name="Version">The version number reserved when registration starts (<c>raglab-&lt;collection&gt;-v&lt;N&gt;</c>).</param>
/// <param name="ModelName">The registered model, once succeeded.</param>
/// <param name="CancelRequested">Set by a cancel request; the worker passes it on to the trainer.</param>
/// <param name="JobId">The background job that drives it.</param>
public sealed record FineTuneJob(
    string Id,
    string Collection,
    string DatasetId,
    string Backend,
    string BaseModel,
    string TrainerModel,
    FineTuneHyperparameters Hyperparameters,
    FineTuneStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? ExternalId = null,
    int Step = 0,
    int TotalSteps = 0,
    string? Error = null,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null,
    int? Version = null,
    string? ModelName = null,
    bool CancelRequested = false,
    string? JobId = null,
    long? TrainedTokens = null);
