using System.Text.Json.Serialization;

namespace RagLab.Core.FineTuning.Datasets;

/// <summary>One chat message of a training example: <c>system</c>, <c>user</c> or <c>assistant</c>.</summary>
public sealed record ChatTurn(string Role, string Content)
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";
}

/// <summary>Where a generated example came from, kept for statistics and for checking the RAFT composition.</summary>
/// <param name="SourceChunkId">The chunk the question was written from (the oracle).</param>
/// <param name="SourceDocumentId">The oracle's document.</param>
/// <param name="OracleIncluded">RAFT: whether the oracle is among the example's context chunks (probability P).</param>
/// <param name="ContextChunkIds">RAFT: the chunks in the example's context, in prompt order (oracle and distractors).</param>
/// <param name="ContextDocumentIds">RAFT: the documents of <paramref name="ContextChunkIds"/>, in the same order.</param>
public sealed record ExampleOrigin(
    string SourceChunkId,
    string SourceDocumentId,
    bool OracleIncluded = false,
    IReadOnlyList<string>? ContextChunkIds = null,
    IReadOnlyList<string>? ContextDocumentIds = null);

/// <summary>A conversation to train on, in chat <c>messages</c> format; the last message is the assistant's target.</summary>
public sealed record TrainingExample(IReadOnlyList<ChatTurn> Messages, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ExampleOrigin? Origin = null)
{
    /// <summary>The first user message: what the example asks.</summary>
    [JsonIgnore]
    public string Question => Messages.FirstOrDefault(m => m.Role == ChatTurn.User)?.Content ?? "";

    /// <summary>The last assistant message: what the model should learn to write.</summary>
    [JsonIgnore]
    public string Answer => Messages.LastOrDefault(m => m.Role == ChatTurn.Assistant)?.Content ?? "";
}
