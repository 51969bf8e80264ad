namespace RagLab.Core.Retrieval;

/// <summary>
/// A collection's <see cref="InvertedIndex"/> on disk, with the collection generation it reflects and when it was saved:
/// access classes, terms, compressed postings and their block tables, and per slot the chunk id, document, length and access class. Written whole or
/// not at all (<see cref="SnapshotFile"/>); <see cref="Bm25Index"/> deletes it before the first change after it.
/// </summary>
internal static class Bm25ShardSnapshot
{
    public const string FileName = "postings.snapshot";
    private const int Magic = 0x53354D42; // "BM5S"
    // 2: access classes per slot. A version-1 snapshot is rejected (read as none) and the index is rebuilt from the store.
    private const int Version = 2;

    public sealed record Content(long Generation, DateTimeOffset SavedAt, InvertedIndex Index);

    public static void Write(string directory, long generation, DateTimeOffset savedAt, InvertedIndex index)
    {
        Directory.CreateDirectory(directory);
        SnapshotFile.Write(Path.Combine(directory, FileName), Magic, Version, writer =>
        {
            writer.Write(generation);
            writer.Write(savedAt.UtcTicks);
            index.WriteTo(writer);
        });
    }

    /// <summary>The snapshot in <paramref name="directory"/>, or null when there is none, it is not whole, or it was saved at another generation.</summary>
    public static Content? TryRead(string directory, long generation) =>
        SnapshotFile.TryRead(Path.Combine(directory, FileName), Magic, Version, reader =>
        {
            var saved = reader.ReadInt64();
            if (saved != generation) return null; // stale: not worth reading the postings
            var savedAt = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            return new Content(saved, savedAt, InvertedIndex.ReadFrom(reader));
        });

    public static void Delete(string directory) => File.Delete(Path.Combine(directory, FileName));
}
