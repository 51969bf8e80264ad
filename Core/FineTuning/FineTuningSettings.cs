using RagLab.Core.FineTuning.Registry;

namespace RagLab.Core.FineTuning;

/// <summary>How fine-tuning jobs are driven and priced. Bound from <c>RagLab:FineTuning</c>.</summary>
public sealed class FineTuningSettings
{
    /// <summary>How often the worker asks the trainer how a job is doing.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A job fails after this many polls in a row find the trainer unreachable (a restarting trainer is waited for).</summary>
    public int MaxUnreachablePolls { get; set; } = 60;

    /// <summary>The price of one GPU-hour of the local trainer's machine, for the cost estimate (default: a rented 24 GB GPU).</summary>
    public double GpuHourUsd { get; set; } = 0.80;

    /// <summary>The fine-tuning API's price per million trained tokens, for the cost estimate.</summary>
    public double TrainingTokenUsdPerMillion { get; set; } = 3.00;

    /// <summary>The default back-end of a new job: <c>local</c> or <c>openai</c>.</summary>
    public string DefaultBackend { get; set; } = "local";

    /// <summary>What a run cost: GPU time for the local trainer, trained tokens for an API.</summary>
    public TrainingCost EstimateCost(string backend, double trainingSeconds, long? trainedTokens)
    {
        if (backend == "openai" && trainedTokens is { } tokens)
            return new TrainingCost(Math.Round(tokens / 1e6 * TrainingTokenUsdPerMillion, 4), $"{tokens:N0} trained tokens × ${TrainingTokenUsdPerMillion:0.00}/1M");
        var hours = trainingSeconds / 3600;
        return new TrainingCost(Math.Round(hours * GpuHourUsd, 4), $"{hours:0.###} GPU-hours × ${GpuHourUsd:0.00}/h");
    }
}
