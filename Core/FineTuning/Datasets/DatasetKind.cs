using System.Text.Json.Serialization;

namespace RagLab.Core.FineTuning.Datasets;

/// <summary>What a dataset teaches.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DatasetKind>))]
public enum DatasetKind
{
    /// <summary>Question → answer, no documents in the prompt: for the <c>finetuned</c> mode.</summary>
    ClosedBook,

    /// <summary>Question + the oracle chunk (with probability P) + distractors → an answer citing the oracle: for <c>hybrid</c>.</summary>
    Raft,

    /// <summary>Uploaded by a user in chat <c>messages</c> JSONL.</summary>
    Upload,
}

/// <summary>A dataset's state: generation runs as a background job.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DatasetStatus>))]
public enum DatasetStatus { Building, Ready, Failed }

/// <summary>Which part of a dataset.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DatasetSplit>))]
public enum DatasetSplit { Train, Validation }
