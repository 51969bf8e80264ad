namespace RagLab.Core.Evaluation.Beir;

/// <summary>One line of a BEIR corpus.jsonl.</summary>
public sealed record BeirDocument(string Id, string Title, string Text);
