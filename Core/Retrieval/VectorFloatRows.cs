using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RagLab.Core.Retrieval;

/// <summary>
/// A shard's float32 unit rows, the one authoritative copy used to rescore candidates, kept off the heap in
/// fixed-size segment files: growth adds a segment, nothing is ever copied to a larger matrix. Rows are written and
/// read with positional I/O, so they live in the operating system's page cache, shared and reclaimable, not in the
/// process: a query reads only the few rows it rescores. (Mapping the files was measured: the kernel maps 64 KiB
/// around every faulting row, so a few hundred queries made the whole file resident in the process.)
/// With no directory the files are anonymous temporary files, deleted as soon as they are open.
/// </summary>
internal sealed class VectorFloatRows : IDisposable
{
    /// <summary>The file name of segment <paramref name="index"/> inside a shard's directory.</summary>
    public static string SegmentFileName(int index) => $"vectors-{index:D4}.f32";

    private readonly string? _directory;
    private readonly List<SafeFileHandle> _segments = [];

    /// <param name="directory">Where the segment files live (created if missing), or null for temporary files.</param>
    public VectorFloatRows(string? directory, int dimensions, int rowsPerSegment)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerSegment, 1);
        _directory = directory;
        Dimensions = dimensions;
        RowsPerSegment = rowsPerSegment;
        if (directory is not null) Directory.CreateDirectory(directory);
    }

    public int Dimensions { get; }

    public int RowsPerSegment { get; }

    /// <summary>Rows that fit without adding a segment.</summary>
    public long Capacity => (long)_segments.Count * RowsPerSegment;

    /// <summary>Adds segments until <paramref name="rows"/> rows fit; existing segment files are reopened, not truncated.</summary>
    public void EnsureCapacity(long rows)
    {
        while (Capacity < rows) _segments.Add(OpenSegment(_segments.Count));
    }

    public void Write(int row, ReadOnlySpan<float> unitVector)
    {
        var (segment, offset) = Locate(row);
        RandomAccess.Write(segment, MemoryMarshal.AsBytes(unitVector[..Dimensions]), offset);
    }

    /// <summary>Copies a row out (concurrent reads are safe: positional reads share no file position).</summary>
    public void Read(int row, Span<float> destination)
    {
        var (segment, offset) = Locate(row);
        var bytes = MemoryMarshal.AsBytes(destination[..Dimensions]);
        var read = RandomAccess.Read(segment, bytes, offset);
        if (read != bytes.Length)
            throw new IOException($"Vector row {row} was cut short in its segment file ({read} of {bytes.Length} bytes); the index directory was changed by something else. Restart the lab to rebuild it.");
    }

    public void Move(int from, int to, Span<float> scratch)
    {
        Read(from, scratch);
        Write(to, scratch);
    }

    /// <summary>Forces written rows to the disk, so a snapshot outlives an operating-system crash.</summary>
    public void Flush()
    {
        foreach (var segment in _segments) RandomAccess.FlushToDisk(segment);
    }

    public void Dispose()
    {
        foreach (var segment in _segments) segment.Dispose();
        _segments.Clear();
    }

    private (SafeFileHandle Segment, long Offset) Locate(int row) =>
        (_segments[row / RowsPerSegment], (long)(row % RowsPerSegment) * Dimensions * sizeof(float));

    private SafeFileHandle OpenSegment(int index)
    {
        if (_directory is not null)
            return File.OpenHandle(Path.Combine(_directory, SegmentFileName(index)), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var path = Path.Combine(Path.GetTempPath(), $"raglab-vectors-{Guid.NewGuid():n}.f32");
        if (OperatingSystem.IsWindows())
            return File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        // Unlinked while open: the file goes when the handle does, even if the process is killed.
        var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        File.Delete(path);
        return handle;
    }
}
