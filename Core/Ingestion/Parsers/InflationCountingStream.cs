using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion.Parsers;

/// <summary>
/// A read-only view of an inflating stream that counts every byte it yields against an <see cref="InflationBudget"/>:
/// the read that passes a limit throws, so a decompression bomb is stopped at the limit, never after inflating it whole.
/// </summary>
internal sealed class InflationCountingStream(Stream inflating, InflationBudget budget, string part) : Stream
{
    private long _total;

    public override int Read(byte[] buffer, int offset, int count) => Count(inflating.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inflating.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inflating.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        if (read > 0)
        {
            _total += read;
            budget.Add(read, _total, part);
        }
        return read;
    }

    /// <summary>Reads the part to its end, keeping nothing; returns its inflated length.</summary>
    public long Drain(CancellationToken cancellationToken)
    {
        var scratch = new byte[81920];
        while (Read(scratch, 0, scratch.Length) > 0) cancellationToken.ThrowIfCancellationRequested();
        return _total;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _total; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inflating.Dispose();
        base.Dispose(disposing);
    }
}
