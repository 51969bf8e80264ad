namespace RagLab.Infrastructure.FineTuning;

/// <summary>The trainer back-ends. Bound from <c>RagLab:FineTuning</c> (besides <see cref="Core.FineTuning.FineTuningSettings"/>).</summary>
public sealed class FineTuningOptions
{
    public const string SectionName = "RagLab:FineTuning";

    /// <summary>The local LoRA trainer service (Trainer/); off when its endpoint is not set.</summary>
    public LocalTrainerOptions Trainer { get; set; } = new();

    /// <summary>An OpenAI-compatible fine-tuning API (<c>/v1/files</c>, <c>/v1/fine_tuning/jobs</c>); off when neither endpoint nor key is set.</summary>
    public OpenAiFineTuningOptions OpenAI { get; set; } = new();

    /// <summary>
    /// The lab's chat model (Ollama tag) → the Hugging Face model the local trainer fine-tunes. Qwen2.5 is ungated; Llama 3.2
    /// needs <c>HF_TOKEN</c> in the trainer's environment.
    /// </summary>
    public Dictionary<string, string> BaseModels { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["qwen2.5:1.5b"] = "Qwen/Qwen2.5-1.5B-Instruct",
        ["qwen2.5:0.5b"] = "Qwen/Qwen2.5-0.5B-Instruct",
        ["llama3.2:1b"] = "meta-llama/Llama-3.2-1B-Instruct",
    };
}

public sealed class LocalTrainerOptions
{
    /// <summary>The trainer service's base URL, e.g. <c>http://localhost:8000</c> (the AppHost sets it when it runs the trainer).</summary>
    public string? Endpoint { get; set; }

    /// <summary>Bound on one call; an artifact download of a merged 1.5B model is a few GB.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Where Ollama quantizes the merged weights to (<c>quantize</c> of <c>/api/create</c>): q4_K_M, q4_K_S, q8_0; empty keeps them as they are.</summary>
    public string Quantize { get; set; } = "q4_K_M";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint);
}

public sealed class OpenAiFineTuningOptions
{
    /// <summary>Base URL with the version segment, e.g. <c>https://api.openai.com/v1</c>; null with an <see cref="ApiKey"/> means api.openai.com.</summary>
    public string? Endpoint { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>The model fine-tuned when a job names none, e.g. <c>gpt-4o-mini-2024-07-18</c>.</summary>
    public string? BaseModel { get; set; }

    /// <summary>The API's learning-rate multiplier; null lets the API choose.</summary>
    public double? LearningRateMultiplier { get; set; }

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint) || !string.IsNullOrWhiteSpace(ApiKey);
}
