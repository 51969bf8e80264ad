using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Win32.SafeHandles;

namespace RagLab.Core.Retrieval;

/// <summary>
/// The directory behind an in-process index (<see cref="ExactVectorIndex"/>'s vectors, <see cref="Bm25Index"/>'s
/// snapshots), held with an exclusive lock for the index's lifetime: two processes on one data directory (the Api and
/// the CLI) must not write the same files. The one that finds it taken keeps everything in memory instead.
/// One sub-directory per collection.
/// </summary>
internal sealed partial class IndexDirectory : IDisposable
{
    private const string LockFileName = "index.lock";
    private readonly SafeFileHandle? _lock;

    private IndexDirectory(string? directory, SafeFileHandle? lockHandle)
    {
        Directory = directory;
        _lock = lockHandle;
    }

    /// <summary>The locked directory, or null when the index keeps its data in memory.</summary>
    public string? Directory { get; }

    public static IndexDirectory Open(string? directory)
    {
        if (directory is null) return new IndexDirectory(null, null);
        directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(directory);
        SafeFileHandle lockHandle;
        try
        {
            // FileShare.None is an exclusive advisory lock on Unix (flock) and a sharing lock on Windows.
            lockHandle = File.OpenHandle(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return new IndexDirectory(null, null);
        }
        return new IndexDirectory(directory, lockHandle);
    }

    /// <summary>A collection's sub-directory: its name when that is a safe file name, else its UTF-8 bytes in hex.</summary>
    public string? ShardDirectory(string collection) =>
        Directory is null ? null : Path.Combine(Directory, SafeName().IsMatch(collection) ? collection : "x-" + Convert.ToHexString(Encoding.UTF8.GetBytes(collection)));

    /// <summary>Deletes the shard directories an earlier run left that are not in use now (collections deleted, or not restorable).</summary>
    public void DeleteShardDirectoriesExcept(IEnumerable<string> inUse)
    {
        if (Directory is null) return;
        var keep = inUse.ToHashSet(StringComparer.Ordinal);
        foreach (var shard in System.IO.Directory.EnumerateDirectories(Directory))
            if (!keep.Contains(shard)) System.IO.Directory.Delete(shard, recursive: true);
    }

    public void Dispose() => _lock?.Dispose();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex SafeName();
}
