using System.Runtime.CompilerServices;

namespace RagLab.Core.Retrieval;

/// <summary>
/// What a shard needs besides its float32 segment files to come back after a restart without reading anything from
/// the document store: the collection generation it reflects, when it was saved, the access classes, each row's chunk and
/// document id and access class, and the int8 codes and bounds. Written whole or not at all (<see cref="SnapshotFile"/>); the shard deletes it before
/// its first change, so a snapshot on disk always matches the segment files. An empty collection is saved too
/// (dimension 0), so a restart knows it has no vectors without reading its chunks.
/// </summary>
internal static class VectorShardSnapshot
{
    public const string FileName = "rows.snapshot";
    private const int Magic = 0x534C5652; // "RVLS"
    // 3: access classes per row. An older snapshot is rejected (read as none) and the shard is rebuilt from the store.
    private const int Version = 3;

    public sealed record Header(long Generation, DateTimeOffset SavedAt, int Dimensions, int RowsPerSegment, int Count);

    /// <param name="DocumentIds">Each document once (the rows' document ids are these very strings).</param>
    public sealed record Content(Header Header, (string ChunkId, string DocumentId, int Access)[] Rows, string[] DocumentIds, DocumentAccessClasses AccessClasses);

    public static void Write(string directory, Header header, IReadOnlyList<(string ChunkId, string DocumentId, int Access)> rows,
        DocumentAccessClasses accessClasses, VectorQuantizedRows? quantized)
    {
        Directory.CreateDirectory(directory);
        SnapshotFile.Write(Path.Combine(directory, FileName), Magic, Version, writer =>
        {
            writer.Write(header.Generation);
            writer.Write(header.SavedAt.UtcTicks);
            writer.Write(header.Dimensions);
            writer.Write(header.RowsPerSegment);
            writer.Write(header.Count);
            accessClasses.WriteTo(writer);
            // Document ids once each (a document has many chunks), then per row its chunk id and document number.
            var documentNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (_, documentId, _) in rows) documentNumbers.TryAdd(documentId, documentNumbers.Count);
            writer.Write(documentNumbers.Count);
            foreach (var documentId in documentNumbers.Keys) writer.Write(documentId);
            foreach (var (chunkId, documentId, access) in rows)
            {
                writer.Write(chunkId);
                writer.Write(documentNumbers[documentId]);
                writer.Write(access);
            }
            writer.Flush();
            if (header.Count > 0) quantized!.WriteTo(writer.BaseStream, header.Count);
        });
    }

    /// <summary>The snapshot in <paramref name="directory"/> (its codes read into <paramref name="quantized"/>), or null when there is none or it is not whole.</summary>
    public static Content? TryRead(string directory, VectorQuantizedRows quantized) =>
        SnapshotFile.TryRead(Path.Combine(directory, FileName), Magic, Version, reader => Read(reader, quantized));

    // Fully optimized at the first call: a restart runs it once, before tiered compilation would get to it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Content? Read(SnapshotReader reader, VectorQuantizedRows quantized)
    {
        var header = new Header(reader.ReadInt64(), new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
        if (header.Count < 0 || header.Dimensions < 0 || (header.Count > 0 && (header.Dimensions < 1 || header.RowsPerSegment < 1))) return null;
        var accessClasses = DocumentAccessClasses.ReadFrom(reader);
        var documentIds = new string[reader.ReadCount(1)];
        for (var i = 0; i < documentIds.Length; i++) documentIds[i] = reader.ReadString();
        if ((long)header.Count * 9 > reader.Remaining) return null;
        var rows = new (string, string, int)[header.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var chunkId = reader.ReadString();
            var document = reader.ReadInt32();
            var access = reader.ReadInt32();
            if ((uint)document >= (uint)documentIds.Length || (uint)access >= (uint)accessClasses.Count) return null;
            rows[i] = (chunkId, documentIds[document], access);
        }
        if (header.Dimensions > 0)
        {
            quantized.Reset(header.Count, header.Dimensions, Math.Max(1, header.RowsPerSegment));
            quantized.ReadFrom(reader.BaseStream, header.Count);
        }
        return new Content(header, rows, documentIds, accessClasses);
    }

    public static void Delete(string directory) => File.Delete(Path.Combine(directory, FileName));
}
