using System.Buffers;
using RagLab.Core.Ingestion;
using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval;

/// <summary>
/// One collection's postings for <see cref="Bm25Index"/>: for each term, a growable int array of
/// (slot, term frequency) pairs in slot order. Deleting marks a slot dead and takes it out of the
/// statistics (live chunk count, total length, document frequencies) at once; dead postings are
/// skipped and dropped by compaction once they are a large share. Not thread-safe: the owner locks.
/// </summary>
internal sealed class InvertedIndex
{
    private const int MinimumDeadToCompact = 1024;

    private readonly Dictionary<string, int> _termIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _termLookup;
    private PostingList[] _postings = new PostingList[1024];
    private int _termCount;

    // Per slot. A dead slot has a null chunk.
    private Chunk?[] _chunks = new Chunk?[64];
    private int[] _lengths = new int[64];
    private int[][] _slotTermIds = new int[64][];
    private int _slotCount;

    private readonly Dictionary<string, int> _slotByChunkId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _chunkIdsByDocument = new(StringComparer.Ordinal);

    private int _liveCount;
    private long _liveTotalLength;

    public InvertedIndex() => _termLookup = _termIds.GetAlternateLookup<ReadOnlySpan<char>>();

    public int LiveCount => _liveCount;

    public double AverageLength => _liveCount == 0 ? 0 : (double)_liveTotalLength / _liveCount;

    /// <summary>Adds a chunk whose analyzed terms are given; a chunk with the same id is replaced.</summary>
    public void Add(Chunk chunk, AnalyzedChunk analyzed)
    {
        if (_slotByChunkId.TryGetValue(chunk.Id, out var existing))
        {
            var previousDocument = _chunks[existing]!.DocumentId;
            RemoveSlot(existing);
            if (previousDocument != chunk.DocumentId && _chunkIdsByDocument.TryGetValue(previousDocument, out var previousIds))
            {
                previousIds.Remove(chunk.Id);
                if (previousIds.Count == 0) _chunkIdsByDocument.Remove(previousDocument);
            }
        }

        var slot = _slotCount++;
        EnsureSlotCapacity(_slotCount);
        _chunks[slot] = chunk;
        _lengths[slot] = analyzed.Length;
        var termIds = new int[analyzed.Terms.Length];
        for (var i = 0; i < analyzed.Terms.Length; i++)
        {
            var termId = GetOrAddTerm(analyzed.Terms[i]);
            termIds[i] = termId;
            _postings[termId].Append(slot, analyzed.Frequencies[i]);
        }
        _slotTermIds[slot] = termIds;
        _slotByChunkId[chunk.Id] = slot;
        if (!_chunkIdsByDocument.TryGetValue(chunk.DocumentId, out var ids))
            _chunkIdsByDocument[chunk.DocumentId] = ids = new HashSet<string>(StringComparer.Ordinal);
        ids.Add(chunk.Id);
        _liveCount++;
        _liveTotalLength += analyzed.Length;
    }

    /// <summary>Removes every chunk of a document; returns how many were removed.</summary>
    public int DeleteDocument(string documentId)
    {
        if (!_chunkIdsByDocument.Remove(documentId, out var chunkIds)) return 0;
        var removed = 0;
        foreach (var chunkId in chunkIds)
        {
            if (_slotByChunkId.TryGetValue(chunkId, out var slot) && _chunks[slot]!.DocumentId == documentId)
            {
                RemoveSlot(slot);
                removed++;
            }
        }
        return removed;
    }

    /// <summary>Drops dead postings once they are at least a quarter of all slots (after deletes or replacements).</summary>
    public void CompactIfWorthwhile()
    {
        var dead = _slotCount - _liveCount;
        if (dead >= MinimumDeadToCompact && dead * 4 >= _slotCount)
            Compact();
    }

    /// <summary>Term id and live document frequency of an analyzed query term, or false when no live chunk has it.</summary>
    public bool TryGetTerm(ReadOnlySpan<char> term, out int termId, out int documentFrequency)
    {
        if (_termLookup.TryGetValue(term, out termId) && _postings[termId].LiveDocumentFrequency > 0)
        {
            documentFrequency = _postings[termId].LiveDocumentFrequency;
            return true;
        }
        documentFrequency = 0;
        return false;
    }

    /// <summary>
    /// Adds weight · tf / (tf + normConstant + normPerTerm · dl) to <paramref name="scores"/>[slot] for every live
    /// chunk containing the term. This is the hot loop of a search: flat arrays, no allocation.
    /// </summary>
    public void AccumulateScores(int termId, double weight, double normConstant, double normPerTerm, Span<double> scores)
    {
        ref readonly var postings = ref _postings[termId];
        var data = postings.Data.AsSpan(0, postings.Count * 2);
        var lengths = _lengths;
        var chunks = _chunks;
        for (var i = 0; i < data.Length; i += 2)
        {
            var slot = data[i];
            if (chunks[slot] is null) continue;
            double tf = data[i + 1];
            scores[slot] += weight * tf / (tf + normConstant + normPerTerm * lengths[slot]);
        }
    }

    public int SlotCount => _slotCount;

    public Chunk ChunkAt(int slot) => _chunks[slot]!;

    public bool IsLive(int slot) => _chunks[slot] is not null;

    private int GetOrAddTerm(string term)
    {
        if (_termIds.TryGetValue(term, out var id)) return id;
        id = _termCount++;
        if (id == _postings.Length) Array.Resize(ref _postings, _postings.Length * 2);
        _postings[id] = PostingList.Create();
        _termIds.Add(term, id);
        return id;
    }

    private void RemoveSlot(int slot)
    {
        var chunk = _chunks[slot]!;
        foreach (var termId in _slotTermIds[slot])
            _postings[termId].LiveDocumentFrequency--;
        _liveCount--;
        _liveTotalLength -= _lengths[slot];
        _slotByChunkId.Remove(chunk.Id);
        _chunks[slot] = null;
        _slotTermIds[slot] = [];
    }

    private void EnsureSlotCapacity(int needed)
    {
        if (needed <= _chunks.Length) return;
        var size = Math.Max(needed, _chunks.Length * 2);
        Array.Resize(ref _chunks, size);
        Array.Resize(ref _lengths, size);
        Array.Resize(ref _slotTermIds, size);
    }

    // Renumbers live slots densely and drops dead postings. Slot order is kept, so postings stay sorted.
    private void Compact()
    {
        var newSlotOf = ArrayPool<int>.Shared.Rent(_slotCount);
        try
        {
            var next = 0;
            for (var slot = 0; slot < _slotCount; slot++)
            {
                if (_chunks[slot] is null) { newSlotOf[slot] = -1; continue; }
                newSlotOf[slot] = next;
                _chunks[next] = _chunks[slot];
                _lengths[next] = _lengths[slot];
                _slotTermIds[next] = _slotTermIds[slot];
                _slotByChunkId[_chunks[next]!.Id] = next;
                next++;
            }
            Array.Clear(_chunks, next, _slotCount - next);
            Array.Clear(_slotTermIds, next, _slotCount - next);
            _slotCount = next;
            for (var t = 0; t < _termCount; t++)
                _postings[t].Remap(newSlotOf);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(newSlotOf);
        }
    }

    /// <summary>Pairs (slot, tf) stored flat in one array for locality.</summary>
    private struct PostingList
    {
        public int[] Data;
        public int Count;
        public int LiveDocumentFrequency;

        public static PostingList Create() => new() { Data = new int[4] };

        public void Append(int slot, int termFrequency)
        {
            if (Count * 2 == Data.Length) Array.Resize(ref Data, Data.Length * 2);
            Data[Count * 2] = slot;
            Data[Count * 2 + 1] = termFrequency;
            Count++;
            LiveDocumentFrequency++;
        }

        public void Remap(int[] newSlotOf)
        {
            var kept = 0;
            for (var i = 0; i < Count; i++)
            {
                var slot = newSlotOf[Data[i * 2]];
                if (slot < 0) continue;
                Data[kept * 2] = slot;
                Data[kept * 2 + 1] = Data[i * 2 + 1];
                kept++;
            }
            Count = kept;
        }
    }
}

/// <summary>A chunk's distinct analyzed terms with their frequencies, and its length in terms.</summary>
internal readonly record struct AnalyzedChunk(string[] Terms, int[] Frequencies, int Length);
