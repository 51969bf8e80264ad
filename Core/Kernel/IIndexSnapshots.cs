namespace RagLab.Core.Kernel;

/// <summary>
/// An in-process index that saves each collection to disk, tagged with the collection's generation, and brings it back
/// at the next start while that generation has not moved, so a restart reads nothing from the document store for it.
/// The embedded <c>Bm25Index</c> (postings) and <c>ExactVectorIndex</c> (row ids and int8 codes beside its
/// float32 files) implement it. A snapshot is deleted before the first change after it, so a crash never leaves one
/// that does not describe the index.
/// </summary>
public interface IIndexSnapshots
{
    /// <summary>
    /// At start, before any write: brings back each collection whose snapshot was saved at the generation the store has
    /// now. Returns those collections; the others load from the store as usual.
    /// </summary>
    IReadOnlySet<string> Restore(IReadOnlyDictionary<string, long> generations);

    /// <summary>What a collection <see cref="Restore"/> brought back holds: its documents, and when the snapshot was saved.</summary>
    IndexSnapshotContents RestoredContents(string collection);

    /// <summary>Saves a snapshot of every collection that changed since its last one, as of the given generations.</summary>
    void SaveSnapshots(IReadOnlyDictionary<string, long> generations);

    /// <summary>
    /// True for an index that holds chunks itself instead of reading its top K from the document store: its restored
    /// rows answer only once <see cref="Bind"/> gave them their chunks.
    /// </summary>
    bool AwaitsChunks => false;

    /// <summary>Gives restored rows their chunks (matched by chunk and document id); only when <see cref="AwaitsChunks"/>.</summary>
    void Bind(IReadOnlyList<Chunk> chunks) { }

    /// <summary>Drops restored rows that no chunk was bound to. Returns how many.</summary>
    int CompleteRestore() => 0;
}

/// <summary>The documents a restored collection holds, and when its snapshot was saved (as good as "indexed then").</summary>
public sealed record IndexSnapshotContents(IReadOnlyCollection<string> DocumentIds, DateTimeOffset SavedAt);
