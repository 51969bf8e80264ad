using System.Runtime.CompilerServices;

namespace RagLab.Core.Retrieval;

/// <summary>
/// What a shard needs besides its float32 segment files to come back after a restart without reading anything from
/// the document store: the collection generation it reflects, when it was saved, each row's chunk and document id,
/// and the int8 codes and bounds. Written whole or not at all (<see cref="SnapshotFile"/>); the shard deletes it before
/// its first change, so a snapshot on disk always matches the segment files. An empty collection is saved too
/// (dimension 0), so a restart knows it has no vectors without reading its chunks.
/// </summary>
internal static class VectorShardSnapshot
{
    public const string FileName = "rows.snapshot";
    private const int Magic = 0x534C5652; // "RVLS"
    private const int Version = 2;

    public sealed record Header(long Generation, DateTimeOffset SavedAt, int Dimensions, int RowsPerSegment, int Count);

    /// <param name="DocumentIds">Each document once (the rows' document ids are these very strings).</param>
    public sealed record Content(Header Header, (string ChunkId, string DocumentId)[] Rows, string[] DocumentIds);

    public static void Write(string directory, Header header, IReadOnlyList<(string ChunkId, string DocumentId)> rows, VectorQuantizedRows? quantized)
    {
        Directory.CreateDirectory(directory);
        SnapshotFile.Write(Path.Combine(directory, FileName), Magic, Version, writer =>
        {
            writer.Write(header.Generation);
            writer.Write(header.SavedAt.UtcTicks);
            writer.Write(header.Dimensions);
            writer.Write(header.RowsPerSegment);
            writer.Write(header.Count);
            // Document ids once each (a document has many chunks), then per row its chunk id and document number.
            var documentNumbers = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (_, documentId) in rows) documentNumbers.TryAdd(documentId, documentNumbers.Count);
            writer.Write(documentNumbers.Count);
            foreach (var documentId in documentNumbers.Keys) writer.Write(documentId);
            foreach (var (chunkId, documentId) in rows)
            {
                writer.Write(chunkId);
                writer.Write(documentNumbers[documentId]);
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
        var documentIds = new string[reader.ReadCount(1)];
        for (var i = 0; i < documentIds.Length; i++) documentIds[i] = reader.ReadString();
        if ((long)header.Count * 2 > reader.Remaining) return null;
        var rows = new (string, string)[header.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var chunkId = reader.ReadString();
            var document = reader.ReadInt32();
            if ((uint)document >= (uint)documentIds.Length) return null;
            rows[i] = (chunkId, documentIds[document]);
        }
        if (header.Dimensions > 0)
        {
            quantized.Reset(header.Count, header.Dimensions, Math.Max(1, header.RowsPerSegment));
            quantized.ReadFrom(reader.BaseStream, header.Count);
        }
        return new Content(header, rows, documentIds);
    }

    public static void Delete(string directory) => File.Delete(Path.Combine(directory, FileName));
}
