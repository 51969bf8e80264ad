using System.Text;

namespace RagLab.Core.Retrieval;

/// <summary>
/// How the in-process indexes write their snapshot files: to a temporary file that is forced to disk and then renamed
/// into place, so a snapshot is whole or absent; it starts with a magic number and a version and ends with the magic
/// number again, so a torn or truncated file (or one of another format) is rejected as if there were none.
/// </summary>
internal static class SnapshotFile
{
    private const int BufferSize = 1 << 20;

    public static void Write(string path, int magic, int version, Action<BinaryWriter> body)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize))
        {
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(magic);
                writer.Write(version);
                body(writer);
                writer.Write(magic); // the end: a torn file fails to read
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>What <paramref name="body"/> read from the snapshot at <paramref name="path"/>, or null when there is none or it is not whole.</summary>
    /// <param name="body">Reads the content; returns null (or throws <see cref="InvalidDataException"/>) when it does not hold together.</param>
    public static T? TryRead<T>(string path, int magic, int version, Func<SnapshotReader, T?> body) where T : class
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize);
            using var reader = new SnapshotReader(stream);
            if (stream.Length < 12 || reader.ReadInt32() != magic || reader.ReadInt32() != version) return null;
            var content = body(reader);
            return content is not null && reader.ReadInt32() == magic && stream.Position == stream.Length ? content : null;
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or FormatException)
        {
            return null;
        }
    }

}

/// <summary>Reads a snapshot file; knows its length once (asking the file for it on every count is a system call each).</summary>
internal sealed class SnapshotReader(Stream stream) : BinaryReader(stream, Encoding.UTF8, leaveOpen: true)
{
    private readonly long _length = stream.Length;

    /// <summary>Bytes not read yet.</summary>
    public long Remaining => _length - BaseStream.Position;

    /// <summary>A count, checked against what the rest of the file can hold (a torn length must not allocate gigabytes).</summary>
    /// <exception cref="InvalidDataException">The count is negative or exceeds the file.</exception>
    public int ReadCount(int bytesPerItem)
    {
        var count = ReadInt32();
        if (count < 0 || (long)count * bytesPerItem > Remaining) throw new InvalidDataException("A snapshot count exceeds the file.");
        return count;
    }
}
