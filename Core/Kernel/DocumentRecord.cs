namespace RagLab.Core.Kernel;

/// <summary>Where a document is in its life: accepted, being indexed, searchable, or failed with a reason.</summary>
public enum DocumentStatus { Queued, Indexing, Ready, Failed }

/// <summary>A document's metadata. Its id is derived from collection and name (<see cref="DocumentIds"/>).</summary>
/// <param name="ContentHash">SHA-256 of the raw upload; also the name of the stored blob.</param>
/// <param name="Version">
/// The document's sequence number: each accepted upload gets one past any the document ever had (a deleted one's too),
/// so with <paramref name="ContentHash"/> it names one version. Every write of indexed content is checked against it.
/// </param>
/// <param name="Groups">
/// The groups whose members may read the document, in <see cref="DocumentGroups"/>' canonical form; null: everyone with access to
/// its collection. Set at upload (the collection's default groups when the upload names none); retrieval filters on it.
/// </param>
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
    IReadOnlyList<string>? Warnings = null,
    long Version = 0,
    IReadOnlyList<string>? Groups = null);
