using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RagLab.Core.Retrieval;

/// <summary>
/// One term's postings, (slot, term frequency) in increasing slot order, compressed as Lucene does in spirit:
/// each posting is a variable-byte code of (slot gap &lt;&lt; 1 | tf == 1), followed by the tf only when it is not 1.
/// Every <see cref="BlockSize"/> postings start a block; per block the index keeps where it starts, its last slot
/// (to skip whole blocks), and its largest tf and shortest chunk length (a score upper bound per block).
/// Not thread-safe: the owner locks.
/// </summary>
internal sealed class PostingList
{
    public const int BlockSize = 128;
    private const int BlockFields = 4; // start offset, last slot, max tf, min length

    private byte[] _data = new byte[4];
    private int _length;
    // Completed blocks, BlockFields ints each; the open (last) block's figures are in the fields below.
    private int[] _blocks = [];
    private int _openStart;
    private int _openMaxTf;
    private int _openMinLength = int.MaxValue;

    /// <summary>Postings stored, dead slots included.</summary>
    public int Count { get; private set; }

    public int LastSlot { get; private set; } = -1;

    /// <summary>Dead postings with the deletion epoch they were counted at (packed in one field so concurrent readers can refresh it).</summary>
    public long DeadCountStamp = -1;

    public int BlockCount => (Count + BlockSize - 1) / BlockSize;

    public void Append(int slot, int termFrequency, int length)
    {
        if (Count > 0 && Count % BlockSize == 0) CloseBlock();
        var gap = (uint)(slot - LastSlot);
        EnsureCapacity(10);
        if (termFrequency == 1)
        {
            Write((gap << 1) | 1);
        }
        else
        {
            Write(gap << 1);
            Write((uint)termFrequency);
        }
        LastSlot = slot;
        Count++;
        if (termFrequency > _openMaxTf) _openMaxTf = termFrequency;
        if (length < _openMinLength) _openMinLength = length;
    }

    public int BlockStart(int block) => block < CompletedBlocks ? _blocks[block * BlockFields] : _openStart;

    public int BlockLastSlot(int block) => block < CompletedBlocks ? _blocks[block * BlockFields + 1] : LastSlot;

    public int BlockMaxTf(int block) => block < CompletedBlocks ? _blocks[block * BlockFields + 2] : _openMaxTf;

    public int BlockMinLength(int block) => block < CompletedBlocks ? _blocks[block * BlockFields + 3] : _openMinLength;

    /// <summary>The slot before the block's first posting (the base its first gap is counted from).</summary>
    public int BlockBaseSlot(int block) => block == 0 ? -1 : BlockLastSlot(block - 1);

    public byte[] Data => _data;

    /// <summary>Bytes used (the rest of <see cref="Data"/> is spare capacity).</summary>
    public int ByteLength => _length;

    /// <summary>Heap bytes this list holds, for memory reports.</summary>
    public long AllocatedBytes => _data.Length + (long)_blocks.Length * sizeof(int) + 64;

    private int CompletedBlocks => Count == 0 ? 0 : (Count - 1) / BlockSize;

    /// <summary>Writes the list as it is in memory (a snapshot; see <see cref="ReadFrom"/>).</summary>
    public void WriteTo(BinaryWriter writer)
    {
        writer.Write(Count);
        writer.Write(LastSlot);
        writer.Write(_length);
        writer.Write(_data, 0, _length);
        writer.Write(_openStart);
        writer.Write(_openMaxTf);
        writer.Write(_openMinLength);
        writer.Write(MemoryMarshal.AsBytes(_blocks.AsSpan(0, CompletedBlocks * BlockFields)));
    }

    /// <summary>A list as <see cref="WriteTo"/> wrote it, with no spare capacity.</summary>
    /// <exception cref="InvalidDataException">The figures read do not describe a posting list.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static PostingList ReadFrom(SnapshotReader reader)
    {
        var list = new PostingList { Count = reader.ReadInt32(), LastSlot = reader.ReadInt32() };
        var length = reader.ReadCount(1);
        if (list.Count < 0 || length < list.Count || list.LastSlot < list.Count - 1) throw new InvalidDataException("A posting list in the snapshot does not hold together.");
        list._data = length == 0 ? new byte[4] : reader.ReadBytes(length);
        if (list._data.Length < length) throw new EndOfStreamException();
        list._length = length;
        list._openStart = reader.ReadInt32();
        list._openMaxTf = reader.ReadInt32();
        list._openMinLength = reader.ReadInt32();
        var blockInts = list.CompletedBlocks * BlockFields;
        if ((long)blockInts * sizeof(int) > reader.Remaining || (uint)list._openStart > (uint)length)
            throw new InvalidDataException("A posting list in the snapshot does not hold together.");
        list._blocks = new int[blockInts];
        reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(list._blocks.AsSpan()));
        return list;
    }

    private void CloseBlock()
    {
        var block = Count / BlockSize - 1;
        var needed = (block + 1) * BlockFields;
        if (_blocks.Length < needed) Array.Resize(ref _blocks, Math.Max(needed, _blocks.Length * 2));
        _blocks[block * BlockFields] = _openStart;
        _blocks[block * BlockFields + 1] = LastSlot;
        _blocks[block * BlockFields + 2] = _openMaxTf;
        _blocks[block * BlockFields + 3] = _openMinLength;
        _openStart = _length;
        _openMaxTf = 0;
        _openMinLength = int.MaxValue;
    }

    private void EnsureCapacity(int extra)
    {
        if (_length + extra <= _data.Length) return;
        // Grow by half: postings are the bulk of the index, so spare capacity is kept modest.
        Array.Resize(ref _data, Math.Max(_length + extra, _data.Length + (_data.Length >> 1)));
    }

    private void Write(uint value)
    {
        while (value >= 0x80)
        {
            _data[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _data[_length++] = (byte)value;
    }
}

/// <summary>
/// Reads a <see cref="PostingList"/> forward: <see cref="Next"/> decodes one posting, <see cref="Advance"/> skips
/// whole blocks by their last slot before decoding. <see cref="Slot"/> is <see cref="int.MaxValue"/> once exhausted.
/// </summary>
internal struct PostingCursor
{
    public const int Exhausted = int.MaxValue;

    private readonly PostingList _list;
    private readonly byte[] _data;
    private readonly int _count;
    private int _position;
    private int _index; // postings decoded so far
    private int _block;

    public int Slot;
    public int TermFrequency;

    public PostingCursor(PostingList list)
    {
        _list = list;
        _data = list.Data;
        _count = list.Count;
        _position = 0;
        _index = 0;
        _block = 0;
        Slot = -1;
        TermFrequency = 0;
        Next();
    }

    public readonly int Block => _block;

    public void Next()
    {
        if (_index == _count)
        {
            Slot = Exhausted;
            return;
        }
        var data = _data;
        var position = _position;
        uint code = data[position++];
        if (code >= 0x80)
        {
            code &= 0x7F;
            var shift = 7;
            uint b;
            do
            {
                b = data[position++];
                code |= (b & 0x7F) << shift;
                shift += 7;
            } while (b >= 0x80);
        }
        Slot += (int)(code >> 1);
        if ((code & 1) != 0)
        {
            TermFrequency = 1;
        }
        else
        {
            uint tf = data[position++];
            if (tf >= 0x80)
            {
                tf &= 0x7F;
                var shift = 7;
                uint b;
                do
                {
                    b = data[position++];
                    tf |= (b & 0x7F) << shift;
                    shift += 7;
                } while (b >= 0x80);
            }
            TermFrequency = (int)tf;
        }
        _position = position;
        _index++;
        _block = (_index - 1) / PostingList.BlockSize;
    }

    /// <summary>Moves to the first posting whose slot is at least <paramref name="target"/>.</summary>
    public void Advance(int target)
    {
        if (Slot >= target) return;
        var lastBlock = _list.BlockCount - 1;
        if (_block < lastBlock && _list.BlockLastSlot(_block) < target)
        {
            var block = _block + 1;
            while (block < lastBlock && _list.BlockLastSlot(block) < target) block++;
            _block = block;
            _position = _list.BlockStart(block);
            _index = block * PostingList.BlockSize;
            Slot = _list.BlockBaseSlot(block);
            Next();
        }
        while (Slot < target) Next();
    }

    /// <summary>Moves to the first posting of the block after the one the cursor is in (block-max skipping).</summary>
    public void NextBlock()
    {
        var block = _block + 1;
        if (block >= _list.BlockCount)
        {
            Slot = Exhausted;
            _index = _count;
            return;
        }
        _block = block;
        _position = _list.BlockStart(block);
        _index = block * PostingList.BlockSize;
        Slot = _list.BlockBaseSlot(block);
        Next();
    }
}
