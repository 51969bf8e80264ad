namespace RagLab.Core.Kernel;

/// <summary>Where a document is in its life: accepted, being indexed, searchable, or failed with a reason.</summary>
public enum DocumentStatus { Queued, Indexing, Ready, Failed }

/// <summary>A document's metadata. Its id is derived from collection and name (<see cref="DocumentIds"/>).</summary>
/// <param name="ContentHash">SHA-256 of the raw upload; also the name of the stored blob.</param>
public sealed record DocumentRecord(
    string Id,
    string Collection,
    string Name,
    DocumentStatus Status,
    int Chunks,
    long Bytes,
    string ContentHash,
    DateTimeOffset UpdatedAt,
    string? Error = null,
    string? JobId = null,
    IReadOnlyList<string>? Warnings = null);
