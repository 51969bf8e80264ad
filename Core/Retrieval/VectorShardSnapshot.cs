using System.Text;

namespace RagLab.Core.Retrieval;

/// <summary>
/// What a shard needs besides its float32 segment files to come back after a restart without reading any vector from
/// the document store: the collection generation it reflects, each row's chunk and document id, and the int8 codes and
/// bounds. Written to a temporary file and renamed into place, so a snapshot is whole or absent; the shard deletes it
/// before its first change, so a snapshot on disk always matches the segment files.
/// </summary>
internal static class VectorShardSnapshot
{
    public const string FileName = "rows.snapshot";
    private const int Magic = 0x534C5652; // "RVLS"
    private const int Version = 1;

    public sealed record Header(long Generation, int Dimensions, int RowsPerSegment, int Count);

    public static void Write(string directory, Header header, IReadOnlyList<(string ChunkId, string DocumentId)> rows, VectorQuantizedRows quantized)
    {
        var path = Path.Combine(directory, FileName);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(Version);
                writer.Write(header.Generation);
                writer.Write(header.Dimensions);
                writer.Write(header.RowsPerSegment);
                writer.Write(header.Count);
                foreach (var (chunkId, documentId) in rows)
                {
                    writer.Write(chunkId);
                    writer.Write(documentId);
                }
                writer.Flush();
                quantized.WriteTo(stream, header.Count);
                writer.Write(Magic); // the end: a torn file fails to read
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The snapshot in <paramref name="directory"/>, or null when there is none or it is not whole.</summary>
    public static (Header Header, (string ChunkId, string DocumentId)[] Rows)? TryRead(string directory, VectorQuantizedRows quantized)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            if (reader.ReadInt32() != Magic || reader.ReadInt32() != Version) return null;
            var header = new Header(reader.ReadInt64(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadInt32());
            if (header.Dimensions < 1 || header.Count < 0 || header.RowsPerSegment < 1) return null;
            var rows = new (string, string)[header.Count];
            for (var i = 0; i < rows.Length; i++) rows[i] = (reader.ReadString(), reader.ReadString());
            quantized.Reset(header.Count, header.Dimensions, header.RowsPerSegment);
            quantized.ReadFrom(stream, header.Count);
            return reader.ReadInt32() == Magic && stream.Position == stream.Length ? (header, rows) : null;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    public static void Delete(string directory) => File.Delete(Path.Combine(directory, FileName));
}
