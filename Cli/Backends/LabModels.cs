namespace RagLab.Cli.Backends;

/// <summary>The outcome of submitting one file: queued (with a job), already indexed, or refused with an error.</summary>
/// <param name="Status"><c>queued</c>, <c>indexing</c>, <c>ready</c> or <c>failed</c>.</param>
public sealed record IngestedFile(string Path, string Name, string? DocumentId, string? Collection, string Status, string? JobId, string? Error = null);
