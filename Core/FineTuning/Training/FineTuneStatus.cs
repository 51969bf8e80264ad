using System.Text.Json.Serialization;

namespace RagLab.Core.FineTuning.Training;

/// <summary>A fine-tuning job's lifecycle: <c>validating → queued → running → registering → succeeded | failed | cancelled</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FineTuneStatus>))]
public enum FineTuneStatus { Validating, Queued, Running, Registering, Succeeded, Failed, Cancelled }

public static class FineTuneStatusExtensions
{
    public static bool IsFinished(this FineTuneStatus status) => status is FineTuneStatus.Succeeded or FineTuneStatus.Failed or FineTuneStatus.Cancelled;
}
