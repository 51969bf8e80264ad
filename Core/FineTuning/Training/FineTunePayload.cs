using RagLab.Core.Jobs;

namespace RagLab.Core.FineTuning.Training;

/// <summary>The payload of a <c>finetune</c> job: which fine-tuning job record it drives.</summary>
public sealed record FineTunePayload(string FineTuneJobId) : IJobPayload
{
    public static string Kind => FineTuneRunner.JobKind;
}
