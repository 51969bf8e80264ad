using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RagLab.Core.Retrieval;

/// <summary>
/// A shard's float32 unit rows, the one authoritative copy used to rescore candidates, kept outside the managed heap:
/// in fixed-size segment files (memory-mapped for reading) under a directory, or, with no directory, in anonymous
/// shared memory that lives as long as the index. Growth adds a segment; nothing is ever copied to a larger matrix.
/// Writes go through the file handle, not the mapping, so only the rows a query rescores are mapped into the process.
/// </summary>
internal sealed class VectorFloatRows : IDisposable
{
    /// <summary>The file name of segment <paramref name="index"/> inside a shard's directory.</summary>
    public static string SegmentFileName(int index) => $"vectors-{index:D4}.f32";

    private readonly string? _directory;
    private readonly List<Segment> _segments = [];

    /// <param name="directory">Where the segment files live (created if missing), or null to keep the rows in memory.</param>
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

    private long SegmentBytes => (long)RowsPerSegment * Dimensions * sizeof(float);

    /// <summary>Adds segments until <paramref name="rows"/> rows fit; existing segment files are reopened, not truncated.</summary>
    public void EnsureCapacity(long rows)
    {
        while (Capacity < rows) _segments.Add(OpenSegment(_segments.Count));
    }

    public void Write(int row, ReadOnlySpan<float> unitVector)
    {
        var (segment, offset) = Locate(row);
        if (segment.File is { } file) RandomAccess.Write(file, MemoryMarshal.AsBytes(unitVector), offset);
        else segment.View.SafeMemoryMappedViewHandle.WriteSpan((ulong)offset, unitVector);
    }

    /// <summary>Copies a row out (concurrent reads are safe: nothing here has a position).</summary>
    public void Read(int row, Span<float> destination)
    {
        var (segment, offset) = Locate(row);
        segment.View.SafeMemoryMappedViewHandle.ReadSpan((ulong)offset, destination[..Dimensions]);
    }

    public void Move(int from, int to, Span<float> scratch)
    {
        Read(from, scratch);
        Write(to, scratch);
    }

    /// <summary>Forces written rows to the disk (files only), so a snapshot outlives an operating-system crash.</summary>
    public void Flush()
    {
        foreach (var segment in _segments) if (segment.File is { } file) RandomAccess.FlushToDisk(file);
    }

    public void Dispose()
    {
        foreach (var segment in _segments) segment.Dispose();
        _segments.Clear();
    }

    private (Segment Segment, long Offset) Locate(int row)
    {
        var segment = _segments[row / RowsPerSegment];
        return (segment, (long)(row % RowsPerSegment) * Dimensions * sizeof(float));
    }

    private Segment OpenSegment(int index)
    {
        if (_directory is null)
        {
            var memory = MemoryMappedFile.CreateNew(null, SegmentBytes, MemoryMappedFileAccess.ReadWrite);
            return new Segment(null, memory, memory.CreateViewAccessor(0, SegmentBytes, MemoryMappedFileAccess.ReadWrite));
        }
        var path = Path.Combine(_directory, SegmentFileName(index));
        var file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            // Sparse: the file takes disk space only for the rows written.
            if (RandomAccess.GetLength(file) < SegmentBytes) RandomAccess.SetLength(file, SegmentBytes);
            var mapped = MemoryMappedFile.CreateFromFile(file, null, SegmentBytes, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
            return new Segment(file, mapped, mapped.CreateViewAccessor(0, SegmentBytes, MemoryMappedFileAccess.Read));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private sealed record Segment(SafeFileHandle? File, MemoryMappedFile Mapping, MemoryMappedViewAccessor View) : IDisposable
    {
        public void Dispose()
        {
            View.Dispose();
            Mapping.Dispose();
            File?.Dispose();
        }
    }
}
