using System.Text.Json.Serialization;

namespace RagLab.Core.FineTuning.Training;

/// <summary>One training metric point, as the trainer reports it.</summary>
public sealed record TrainingMetric(int Step, double? Epoch, double? TrainLoss, double? ValidLoss, double? LearningRate);

[JsonConverter(typeof(JsonStringEnumConverter<FineTuneEventKind>))]
public enum FineTuneEventKind { Status, Metric, Message }

/// <summary>Something that happened to a fine-tuning job; events are numbered in order per job so a stream can resume after one.</summary>
public sealed record FineTuneEvent(long Sequence, string JobId, DateTimeOffset At, FineTuneEventKind Kind, string Message,
    FineTuneStatus? Status = null, TrainingMetric? Metric = null);
