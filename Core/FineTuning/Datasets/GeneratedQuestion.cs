namespace RagLab.Core.FineTuning.Datasets;

/// <summary>A question the chat model wrote from a chunk, its short answer, and the passage text that supports it (verbatim).</summary>
public sealed record GeneratedQuestion(string Question, string Answer, string Evidence);
