using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RagLab.Core.Retrieval;

/// <summary>
/// One collection's postings for <see cref="Bm25Index"/>: per term a compressed <see cref="PostingList"/> in slot
/// order; per slot only the chunk id, its document, its length and its document's access class (who may read it, see
/// <see cref="DocumentAccessClasses"/>); the text stays in the document store.
/// Deleting marks a slot dead and takes it out of the live count and total length at once; a term's live document
/// frequency is recounted from its postings the first time a query needs it after a delete. Dead postings are skipped,
/// and dropped by compaction once they are a large share. Not thread-safe: the owner locks (searches may share a read lock).
/// </summary>
internal sealed class InvertedIndex
{
    private const int MinimumDeadToCompact = 1024;

    private readonly Dictionary<string, int> _termIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _termLookup;
    private PostingList[] _postings = new PostingList[1024];
    private int _termCount;

    // Per slot. A dead slot has a null chunk id.
    private string?[] _chunkIds = new string?[64];
    private DocumentSlots?[] _documents = new DocumentSlots?[64];
    private int[] _lengths = new int[64];
    private int[] _access = new int[64];
    private int _slotCount;
    private DocumentAccessClasses _classes = new();

    private readonly Dictionary<string, int> _slotByChunkId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DocumentSlots> _documentsById = new(StringComparer.Ordinal);

    // Restored from a snapshot and not written since: the maps above (and _documents) are built at the first write,
    // because searches never need them and a start-up should not wait for a million map entries.
    private string[]? _restoredDocumentIds;
    private int[]? _restoredSlotDocuments;

    private int _liveCount;
    private long _liveTotalLength;
    private int _deletionEpoch;

    public InvertedIndex() => _termLookup = _termIds.GetAlternateLookup<ReadOnlySpan<char>>();

    public int LiveCount => _liveCount;

    public int SlotCount => _slotCount;

    public double AverageLength => _liveCount == 0 ? 0 : (double)_liveTotalLength / _liveCount;

    /// <summary>The term's id, adding the term when it is new.</summary>
    public int GetOrAddTerm(string term)
    {
        ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(_termIds, term, out var exists);
        if (exists) return id;
        id = _termCount++;
        if (id == _postings.Length) Array.Resize(ref _postings, _postings.Length * 2);
        _postings[id] = new PostingList();
        return id;
    }

    /// <summary>The access classes of the chunks' documents.</summary>
    public DocumentAccessClasses AccessClasses => _classes;

    /// <summary>
    /// Adds a chunk given its distinct terms (as <paramref name="termIdOf"/>[local id]) and their frequencies, its
    /// length in terms and its document's access class (<see cref="AccessClasses"/>); a chunk with the same id is replaced.
    /// </summary>
    public void Add(string chunkId, string documentId, ReadOnlySpan<int> localTermIds, ReadOnlySpan<int> frequencies, int length, int[] termIdOf, int accessClass)
    {
        EnsureMaps();
        if (_slotByChunkId.TryGetValue(chunkId, out var existing))
        {
            RemoveSlot(existing);
            _deletionEpoch++;
        }

        var slot = _slotCount++;
        EnsureSlotCapacity(_slotCount);
        ref var document = ref CollectionsMarshal.GetValueRefOrAddDefault(_documentsById, documentId, out _);
        document ??= new DocumentSlots(documentId);
        document.Slots.Add(slot);
        _documents[slot] = document;
        _chunkIds[slot] = chunkId;
        _lengths[slot] = length;
        _access[slot] = accessClass;
        for (var i = 0; i < localTermIds.Length; i++)
            _postings[termIdOf[localTermIds[i]]].Append(slot, frequencies[i], length);
        _slotByChunkId[chunkId] = slot;
        _liveCount++;
        _liveTotalLength += length;
    }

    /// <summary>Whether a document has live chunks here.</summary>
    public bool HasDocument(string documentId)
    {
        EnsureMaps();
        return _documentsById.ContainsKey(documentId);
    }

    /// <summary>Removes every chunk of a document; returns how many were removed.</summary>
    public int DeleteDocument(string documentId)
    {
        EnsureMaps();
        if (!_documentsById.TryGetValue(documentId, out var document)) return 0;
        var removed = 0;
        foreach (var slot in document.Slots.ToArray())
        {
            if (_chunkIds[slot] is null) continue;
            RemoveSlot(slot);
            removed++;
        }
        _deletionEpoch++;
        return removed;
    }

    /// <summary>Drops dead postings once they are at least a quarter of all slots (after deletes or replacements).</summary>
    public void CompactIfWorthwhile()
    {
        var dead = _slotCount - _liveCount;
        if (dead >= MinimumDeadToCompact && dead * 4 >= _slotCount)
            Compact();
    }

    /// <summary>The postings and live document frequency of an analyzed query term, or false when no live chunk has it.</summary>
    public bool TryGetTerm(ReadOnlySpan<char> term, out PostingList postings, out int documentFrequency)
    {
        if (_termLookup.TryGetValue(term, out var termId))
        {
            postings = _postings[termId];
            documentFrequency = LiveDocumentFrequency(postings);
            if (documentFrequency > 0) return true;
        }
        postings = null!;
        documentFrequency = 0;
        return false;
    }

    public string? ChunkIdAt(int slot) => _chunkIds[slot];

    public int LengthAt(int slot) => _lengths[slot];

    /// <summary>Per-slot chunk ids (null when dead), lengths and access classes, for the scoring loop.</summary>
    public (string?[] ChunkIds, int[] Lengths, int[] Access) SlotArrays => (_chunkIds, _lengths, _access);

    /// <summary>An estimate of the heap bytes this index holds (postings, per-slot arrays, ids and maps).</summary>
    public long EstimateBytes()
    {
        long bytes = 0;
        for (var t = 0; t < _termCount; t++) bytes += _postings[t].AllocatedBytes;
        bytes += (long)_chunkIds.Length * (8 + 8 + 4 + 4);
        foreach (var term in _termIds.Keys) bytes += 22 + 2L * term.Length + 24;
        if (_restoredDocumentIds is not null)
        {
            // Restored, maps not built yet: the id strings and the slot → document numbers.
            for (var slot = 0; slot < _slotCount; slot++) bytes += _chunkIds[slot] is { } id ? 22 + 2L * id.Length : 0;
            foreach (var id in _restoredDocumentIds) bytes += 22 + 2L * id.Length + 8;
            return bytes + 4L * _restoredSlotDocuments!.Length;
        }
        foreach (var id in _slotByChunkId.Keys) bytes += 22 + 2L * id.Length + 24;
        foreach (var (id, document) in _documentsById) bytes += 22 + 2L * id.Length + 64 + document.Slots.Capacity * 4L;
        return bytes;
    }

    /// <summary>The documents with at least one live chunk.</summary>
    public IReadOnlyCollection<string> DocumentIds => _restoredDocumentIds ?? (IReadOnlyCollection<string>)_documentsById.Keys;

    /// <summary>
    /// Writes the index as it is in memory, dead slots and all, so <see cref="ReadFrom"/> gives back one that scores,
    /// filters and ranks exactly the same: the access classes, terms with their postings and block tables, then per slot
    /// its chunk id (empty when dead), document, length and access class.
    /// </summary>
    public void WriteTo(BinaryWriter writer)
    {
        _classes.WriteTo(writer);
        writer.Write(_termCount);
        foreach (var (term, id) in _termIds)
        {
            writer.Write(term);
            _postings[id].WriteTo(writer);
        }
        if (_restoredDocumentIds is not null)
        {
            // Unchanged since restored: written from what was read, without building the maps.
            writer.Write(_restoredDocumentIds.Length);
            foreach (var documentId in _restoredDocumentIds) writer.Write(documentId);
            WriteSlots(writer, slot => _restoredSlotDocuments![slot]);
            return;
        }
        var documentNumbers = new Dictionary<DocumentSlots, int>(_documentsById.Count, ReferenceEqualityComparer.Instance);
        writer.Write(_documentsById.Count);
        foreach (var document in _documentsById.Values)
        {
            documentNumbers.Add(document, documentNumbers.Count);
            writer.Write(document.Id);
        }
        WriteSlots(writer, slot => documentNumbers[_documents[slot]!]);
    }

    private void WriteSlots(BinaryWriter writer, Func<int, int> documentNumber)
    {
        writer.Write(_slotCount);
        for (var slot = 0; slot < _slotCount; slot++)
        {
            var chunkId = _chunkIds[slot];
            writer.Write(chunkId ?? "");
            writer.Write(chunkId is null ? -1 : documentNumber(slot));
            writer.Write(_lengths[slot]);
            writer.Write(chunkId is null ? DocumentAccessClasses.Public : _access[slot]);
        }
    }

    /// <summary>An index as <see cref="WriteTo"/> wrote it.</summary>
    /// <exception cref="InvalidDataException">The figures read do not describe an index.</exception>
    // Fully optimized at the first call: a restart runs it once, before tiered compilation would get to it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static InvertedIndex ReadFrom(SnapshotReader reader)
    {
        var index = new InvertedIndex { _classes = DocumentAccessClasses.ReadFrom(reader) };
        var termCount = reader.ReadCount(2);
        index._postings = new PostingList[Math.Max(1024, termCount)];
        index._termIds.EnsureCapacity(termCount);
        for (var t = 0; t < termCount; t++)
        {
            if (!index._termIds.TryAdd(reader.ReadString(), t)) throw new InvalidDataException("A term appears twice in the snapshot.");
            index._postings[t] = PostingList.ReadFrom(reader);
        }
        index._termCount = termCount;

        var documentIds = new string[reader.ReadCount(1)];
        for (var d = 0; d < documentIds.Length; d++) documentIds[d] = reader.ReadString();
        var slotCount = reader.ReadCount(13);
        index.EnsureSlotCapacity(slotCount);
        var slotDocuments = new int[slotCount];
        for (var slot = 0; slot < slotCount; slot++)
        {
            var chunkId = reader.ReadString();
            var document = reader.ReadInt32();
            var length = reader.ReadInt32();
            var access = reader.ReadInt32();
            if ((uint)access >= (uint)index._classes.Count) throw new InvalidDataException("A slot in the snapshot names no access class.");
            index._lengths[slot] = length;
            index._access[slot] = access;
            slotDocuments[slot] = document;
            if (document == -1) continue; // dead: its postings linger until compaction, as they did before
            if ((uint)document >= (uint)documentIds.Length || length < 0) throw new InvalidDataException("A slot in the snapshot does not hold together.");
            index._chunkIds[slot] = chunkId;
            index._liveCount++;
            index._liveTotalLength += length;
        }
        index._slotCount = slotCount;
        index._restoredDocumentIds = documentIds;
        index._restoredSlotDocuments = slotDocuments;
        for (var t = 0; t < termCount; t++)
        {
            if (index._postings[t].LastSlot >= slotCount) throw new InvalidDataException("A posting in the snapshot points past the last slot.");
        }
        return index;
    }

    // Live df = stored postings − dead ones; the dead count is cached per term until the next delete.
    private int LiveDocumentFrequency(PostingList postings)
    {
        if (_liveCount == _slotCount) return postings.Count;
        var stamp = Volatile.Read(ref postings.DeadCountStamp);
        if (stamp >= 0 && (int)(stamp >> 32) == _deletionEpoch) return postings.Count - (int)(stamp & 0xFFFFFFFF);
        var dead = 0;
        var cursor = new PostingCursor(postings);
        var chunkIds = _chunkIds;
        for (; cursor.Slot != PostingCursor.Exhausted; cursor.Next())
        {
            if (chunkIds[cursor.Slot] is null) dead++;
        }
        Volatile.Write(ref postings.DeadCountStamp, ((long)_deletionEpoch << 32) | (uint)dead);
        return postings.Count - dead;
    }

    /// <summary>Builds the chunk and document maps of a restored index, before its first write.</summary>
    private void EnsureMaps()
    {
        if (_restoredDocumentIds is not { } documentIds) return;
        var documents = new DocumentSlots[documentIds.Length];
        for (var d = 0; d < documents.Length; d++) documents[d] = new DocumentSlots(documentIds[d]);
        _slotByChunkId.EnsureCapacity(_liveCount);
        for (var slot = 0; slot < _slotCount; slot++)
        {
            if (_chunkIds[slot] is not { } chunkId) continue;
            var document = documents[_restoredSlotDocuments![slot]];
            document.Slots.Add(slot);
            _documents[slot] = document;
            _slotByChunkId[chunkId] = slot;
        }
        foreach (var document in documents)
        {
            if (document.Slots.Count > 0) _documentsById[document.Id] = document;
        }
        _restoredDocumentIds = null;
        _restoredSlotDocuments = null;
    }

    private void RemoveSlot(int slot)
    {
        var chunkId = _chunkIds[slot]!;
        var document = _documents[slot]!;
        document.Slots.Remove(slot);
        if (document.Slots.Count == 0) _documentsById.Remove(document.Id);
        _liveCount--;
        _liveTotalLength -= _lengths[slot];
        _slotByChunkId.Remove(chunkId);
        _chunkIds[slot] = null;
        _documents[slot] = null;
    }

    private void EnsureSlotCapacity(int needed)
    {
        if (needed <= _chunkIds.Length) return;
        var size = Math.Max(needed, _chunkIds.Length * 2);
        Array.Resize(ref _chunkIds, size);
        Array.Resize(ref _documents, size);
        Array.Resize(ref _lengths, size);
        Array.Resize(ref _access, size);
    }

    // Renumbers live slots densely and rewrites every posting list without dead postings. Slot order is kept.
    private void Compact()
    {
        EnsureMaps();
        var newSlotOf = new int[_slotCount];
        var next = 0;
        for (var slot = 0; slot < _slotCount; slot++)
        {
            if (_chunkIds[slot] is null) { newSlotOf[slot] = -1; continue; }
            newSlotOf[slot] = next;
            _chunkIds[next] = _chunkIds[slot];
            _documents[next] = _documents[slot];
            _lengths[next] = _lengths[slot];
            _access[next] = _access[slot];
            _slotByChunkId[_chunkIds[next]!] = next;
            next++;
        }
        Array.Clear(_chunkIds, next, _slotCount - next);
        Array.Clear(_documents, next, _slotCount - next);
        _slotCount = next;
        foreach (var document in _documentsById.Values)
        {
            for (var i = 0; i < document.Slots.Count; i++) document.Slots[i] = newSlotOf[document.Slots[i]];
        }
        for (var t = 0; t < _termCount; t++)
        {
            var rewritten = new PostingList();
            for (var cursor = new PostingCursor(_postings[t]); cursor.Slot != PostingCursor.Exhausted; cursor.Next())
            {
                var slot = newSlotOf[cursor.Slot];
                if (slot >= 0) rewritten.Append(slot, cursor.TermFrequency, _lengths[slot]);
            }
            _postings[t] = rewritten;
        }
        _deletionEpoch++;
    }

    /// <summary>A document's live slots; shared by its chunks so the id string is stored once.</summary>
    private sealed class DocumentSlots(string id)
    {
        public string Id { get; } = id;
        public List<int> Slots { get; } = new(1);
    }
}
