namespace RagLab.Core.Evaluation.Beir;

/// <summary>One line of a BEIR queries.jsonl.</summary>
public sealed record BeirQuery(string Id, string Text);
