using System.Collections.Concurrent;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval;

/// <summary>
/// The embedded vector index: exact cosine similarity over every chunk of a collection. Vectors are normalized on
/// insert; the float32 unit vectors, the one authoritative copy, live in segment files under
/// <see cref="ExactVectorIndexOptions.Directory"/> (<see cref="VectorFloatRows"/>), and the heap holds an int8 copy.
/// A query scans the int8 copy (a quarter of the bytes; the scan is memory-bound), which gives each chunk a proven
/// interval around its float32 score, then rescores in float32 only the chunks whose interval reaches the K-th best
/// lower bound. The result is the same top K, with the same scores and tie order, as scoring every chunk in float32
/// (see <see cref="VectorQuantizedRows"/>). Both copies grow by segments, never by copying the whole matrix.
/// Per row it keeps only the chunk and document id and the document's access class (who may read it, see
/// <see cref="DocumentAccessClasses"/>): given a document store, the top K are read back from it (a chunk deleted meanwhile
/// is left out); without one (tests, tools) it holds the chunks it was given. A search with a <see cref="ReaderScope"/> skips
/// the rows the reader may not read before scoring them, so the top K is exactly the top K of the readable rows.
/// Searches run concurrently; writes to a collection are exclusive. With a directory, a shard can be saved as a
/// snapshot and restored at the next start without reading anything from the store (<see cref="IIndexSnapshots"/>).
/// A collection takes the dimension of its first vector; vectors of another dimension are rejected.
/// </summary>
public sealed class ExactVectorIndex : IVectorIndex, IIndexSnapshots, IDisposable
{
    private const long SegmentBytes = 64L << 20;

    private const int StackRowLimit = 2048; // floats: rows up to 8 KiB are copied on the stack

    private readonly ConcurrentDictionary<string, Shard> _shards = new(StringComparer.Ordinal);
    private readonly IndexDirectory _storage;
    private readonly IDocumentStore? _documents;

    /// <summary>An index that holds its chunks and keeps its float32 rows in anonymous temporary files (tests, tools).</summary>
    public ExactVectorIndex() : this(new ExactVectorIndexOptions()) { }

    /// <param name="options">Where the float32 rows and snapshots live.</param>
    /// <param name="documents">
    /// The store results are read back from (the lab passes its document store), so the index keeps no chunk text; null
    /// keeps the chunks given in memory, and then rows restored from a snapshot answer only once bound (<see cref="Bind"/>).
    /// </param>
    public ExactVectorIndex(ExactVectorIndexOptions options, IDocumentStore? documents = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _storage = IndexDirectory.Open(options.Directory);
        _rowsPerSegment = options.RowsPerSegment;
        _documents = documents;
    }

    private readonly int _rowsPerSegment;
    private readonly Lock _saveGate = new();

    /// <summary>Where the float32 rows live: a directory, or null for temporary files (no directory was given, or another process holds it).</summary>
    public string? StorageDirectory => _storage.Directory;

    /// <summary>Bytes the index holds in memory for its vectors: the int8 codes and their bounds (the float32 rows are in files).</summary>
    public long HeldVectorBytes => _shards.Values.Sum(shard => shard.HeldVectorBytes);

    /// <inheritdoc />
    public bool AwaitsChunks => _documents is null;

    public void Dispose()
    {
        foreach (var shard in _shards.Values)
        {
            shard.Lock.EnterWriteLock();
            try { shard.Dispose(); }
            finally { shard.Lock.ExitWriteLock(); }
        }
        _storage.Dispose();
    }

    public IReadOnlySet<string> Restore(IReadOnlyDictionary<string, long> generations)
    {
        ArgumentNullException.ThrowIfNull(generations);
        var restored = new HashSet<string>(StringComparer.Ordinal);
        if (_storage.Directory is null) return restored;
        foreach (var (collection, generation) in generations)
        {
            if (_shards.ContainsKey(collection)) continue; // already written to in this run: it is current
            var shard = NewShard(collection);
            if (shard.TryRestore(collection, generation, holdsChunks: _documents is null) && _shards.TryAdd(collection, shard)) restored.Add(collection);
            else shard.Dispose();
        }
        _storage.DeleteShardDirectoriesExcept(_shards.Keys.Select(_storage.ShardDirectory).OfType<string>());
        return restored;
    }

    public IndexSnapshotContents RestoredContents(string collection)
    {
        if (!_shards.TryGetValue(collection, out var shard)) throw new ArgumentException($"Collection '{collection}' was not restored.", nameof(collection));
        shard.Lock.EnterReadLock();
        try { return shard.SnapshotContents(); }
        finally { shard.Lock.ExitReadLock(); }
    }

    public void Bind(IReadOnlyList<Chunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        foreach (var group in chunks.GroupBy(c => c.Collection, StringComparer.Ordinal))
        {
            if (!_shards.TryGetValue(group.Key, out var shard)) continue;
            shard.Lock.EnterWriteLock();
            try { foreach (var chunk in group) shard.Bind(chunk); }
            finally { shard.Lock.ExitWriteLock(); }
        }
    }

    public int CompleteRestore()
    {
        var dropped = 0;
        foreach (var shard in _shards.Values)
        {
            shard.Lock.EnterWriteLock();
            try { dropped += shard.DropUnbound(); }
            finally { shard.Lock.ExitWriteLock(); }
        }
        return dropped;
    }

    /// <summary>Saves every collection named, an empty one too (so a restart knows it has no vectors without reading its chunks).</summary>
    public void SaveSnapshots(IReadOnlyDictionary<string, long> generations)
    {
        ArgumentNullException.ThrowIfNull(generations);
        if (_storage.Directory is null) return;
        lock (_saveGate) // one writer of snapshot files at a time (after start and at stop may overlap)
        foreach (var (collection, generation) in generations)
        {
            var shard = _shards.GetOrAdd(collection, static (name, index) => index.NewShard(name), this);
            // A read lock: searches go on, writes wait until the snapshot is whole.
            shard.Lock.EnterReadLock();
            try { shard.Save(generation); }
            finally { shard.Lock.ExitReadLock(); }
        }
    }

    private Shard NewShard(string collection) => new(_storage.ShardDirectory(collection), _rowsPerSegment, holdsChunks: _documents is null);

    public Task UpsertAsync(IReadOnlyList<EmbeddedChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        foreach (var group in chunks.GroupBy(c => c.Chunk.Collection, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var shard = _shards.GetOrAdd(group.Key, static (collection, index) => index.NewShard(collection), this);
            shard.Lock.EnterWriteLock();
            try
            {
                foreach (var item in group)
                    shard.Upsert(item.Chunk, item.Vector.Span);
            }
            finally
            {
                shard.Lock.ExitWriteLock();
            }
        }
        return Task.CompletedTask;
    }

    public Task DeleteDocumentAsync(string collection, string documentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(documentId);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_shards.TryGetValue(collection, out var shard)) return Task.CompletedTask;
        shard.Lock.EnterWriteLock();
        try
        {
            shard.DeleteDocument(documentId);
        }
        finally
        {
            shard.Lock.ExitWriteLock();
        }
        return Task.CompletedTask;
    }

    /// <summary>The nearest chunks of every document (see the overload with a scope).</summary>
    public Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, ReadOnlyMemory<float> query, int topK, CancellationToken cancellationToken) =>
        SearchAsync(collection, query, topK, ReaderScope.Everything, cancellationToken);

    /// <summary>
    /// The nearest chunks <paramref name="scope"/> may read, read back from the document store (a chunk deleted meanwhile is left out),
    /// or the chunks held without one.
    /// </summary>
    public async Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, ReadOnlyMemory<float> query, int topK, ReaderScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_shards.TryGetValue(collection, out var shard)) return [];
        VectorMatch[] matches;
        shard.Lock.EnterReadLock();
        try
        {
            matches = shard.Search(collection, query.Span, topK, scope, out _);
            if (_documents is null) return shard.HeldResults(collection, matches);
        }
        finally
        {
            shard.Lock.ExitReadLock();
        }
        if (matches.Length == 0) return [];
        var chunks = (await _documents.GetChunksByIdAsync([.. matches.Select(m => m.ChunkId)], cancellationToken).ConfigureAwait(false))
            .ToDictionary(c => c.Id, StringComparer.Ordinal);
        var results = new List<ScoredChunk>(matches.Length);
        foreach (var match in matches)
        {
            if (chunks.TryGetValue(match.ChunkId, out var chunk)) results.Add(new ScoredChunk(chunk, match.Score));
        }
        return results;
    }

    /// <summary>The best chunk ids and scores, and how many rows the search read in float32 (what the benchmark needs to compute the bytes a query reads).</summary>
    internal VectorMatch[] Search(string collection, ReadOnlySpan<float> query, int topK, out int rescored) =>
        Search(collection, query, topK, ReaderScope.Everything, out rescored);

    /// <summary>As <see cref="Search(string, ReadOnlySpan{float}, int, out int)"/>, over the rows <paramref name="scope"/> may read.</summary>
    internal VectorMatch[] Search(string collection, ReadOnlySpan<float> query, int topK, ReaderScope scope, out int rescored)
    {
        rescored = 0;
        if (!_shards.TryGetValue(collection, out var shard)) return [];
        shard.Lock.EnterReadLock();
        try
        {
            return shard.Search(collection, query, topK, scope, out rescored);
        }
        finally
        {
            shard.Lock.ExitReadLock();
        }
    }

    /// <summary>The number of chunks in a collection.</summary>
    public int Count(string collection)
    {
        if (!_shards.TryGetValue(collection, out var shard)) return 0;
        shard.Lock.EnterReadLock();
        try { return shard.Count; }
        finally { shard.Lock.ExitReadLock(); }
    }

    /// <summary>The vector dimension of a collection, or null while it is empty.</summary>
    public int? Dimensions(string collection)
    {
        if (!_shards.TryGetValue(collection, out var shard)) return null;
        shard.Lock.EnterReadLock();
        try { return shard.Count == 0 ? null : shard.Dimensions; }
        finally { shard.Lock.ExitReadLock(); }
    }

    /// <summary>One collection: row i of <see cref="_vectors"/> is the unit vector of <see cref="_rows"/>[i]; rows are dense (a delete moves the last row into the hole).</summary>
    /// <param name="holdsChunks">No store to read results from: keep each row's chunk in memory.</param>
    private sealed class Shard(string? directory, int segmentRows, bool holdsChunks) : IDisposable
    {
        public readonly ReaderWriterLockSlim Lock = new(LockRecursionPolicy.NoRecursion);
        private VectorFloatRows? _vectors;
        private readonly VectorQuantizedRows _quantized = new();
        private RowChunk[] _rows = [];
        private int[] _rowAccess = []; // row → access class of its document, beside _rows so the scan reads a plain int array
        private DocumentAccessClasses _classes = new();
        private readonly Dictionary<string, Chunk>? _heldChunks = holdsChunks ? new(StringComparer.Ordinal) : null;
        private readonly Dictionary<string, int> _rowByChunkId = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<string>> _chunkIdsByDocument = new(StringComparer.Ordinal);
        private readonly HashSet<string> _unbound = new(StringComparer.Ordinal); // restored rows still waiting for their chunk (held chunks only)
        // Restored and not written since: the two maps above are built at the first write (searches never need them,
        // and a start-up should not wait for a million map entries). The snapshot's documents meanwhile.
        private string[]? _restoredDocumentIds;
        private bool _snapshotOnDisk; // true while the snapshot file matches the segment files
        private long _snapshotGeneration;
        private DateTimeOffset _snapshotSavedAt;

        public int Count { get; private set; }
        public int Dimensions { get; private set; }

        public long HeldVectorBytes => _vectors is null ? 0 : _quantized.AllocatedBytes;

        public void Dispose()
        {
            _vectors?.Dispose();
            _vectors = null;
        }

        public void Upsert(Chunk chunk, ReadOnlySpan<float> vector)
        {
            if (vector.Length == 0)
                throw new ValidationException($"Chunk '{chunk.Id}' has an empty embedding vector; the embedding model returned nothing for it.");
            EnsureFinite(vector, $"the embedding of chunk '{chunk.Id}'");
            EnsureMaps();
            BeforeChange();
            _unbound.Remove(chunk.Id);
            if (Count == 0 && Dimensions != vector.Length)
            {
                Dimensions = vector.Length;
                var rowsPerSegment = segmentRows > 0 ? segmentRows : (int)Math.Max(1024, 1L << System.Numerics.BitOperations.Log2((ulong)(SegmentBytes / (Dimensions * sizeof(float)))));
                _vectors?.Dispose();
                DeleteSegments();
                _vectors = new VectorFloatRows(directory, Dimensions, rowsPerSegment);
                _quantized.Reset(0, Dimensions, rowsPerSegment);
                _rows = [];
                _rowAccess = [];
            }
            else EnsureDimensions(chunk.Collection, vector.Length, "the vector of chunk '" + chunk.Id + "'");

            if (_rowByChunkId.TryGetValue(chunk.Id, out var row))
            {
                var previous = _rows[row];
                if (previous.DocumentId != chunk.DocumentId) Unlink(previous);
            }
            else
            {
                row = Count++;
                EnsureCapacity(Count);
                _rowByChunkId[chunk.Id] = row;
            }
            _rows[row] = new RowChunk(chunk.Id, chunk.DocumentId);
            _rowAccess[row] = _classes.NumberOf(chunk.Groups);
            if (_heldChunks is not null) _heldChunks[chunk.Id] = chunk;
            Span<float> target = Dimensions <= StackRowLimit ? stackalloc float[Dimensions] : new float[Dimensions];
            var norm = TensorPrimitives.Norm(vector);
            if (norm > 0) TensorPrimitives.Divide(vector, norm, target);
            else target.Clear();
            _vectors!.Write(row, target);
            _quantized.Set(row, target);
            if (!_chunkIdsByDocument.TryGetValue(chunk.DocumentId, out var ids))
                _chunkIdsByDocument[chunk.DocumentId] = ids = new HashSet<string>(StringComparer.Ordinal);
            ids.Add(chunk.Id);
        }

        public void DeleteDocument(string documentId)
        {
            EnsureMaps();
            if (!_chunkIdsByDocument.Remove(documentId, out var ids)) return;
            BeforeChange();
            Span<float> scratch = Dimensions <= StackRowLimit ? stackalloc float[Dimensions] : new float[Dimensions];
            foreach (var chunkId in ids) RemoveRow(chunkId, scratch);
        }

        /// <summary>Removes a chunk's row: the last row moves into the hole, so rows stay dense.</summary>
        private void RemoveRow(string chunkId, Span<float> scratch)
        {
            _unbound.Remove(chunkId);
            _heldChunks?.Remove(chunkId);
            if (!_rowByChunkId.Remove(chunkId, out var row)) return;
            var last = --Count;
            if (row != last)
            {
                _rows[row] = _rows[last];
                _rowAccess[row] = _rowAccess[last];
                _vectors!.Move(last, row, scratch);
                _quantized.Move(last, row);
                _rowByChunkId[_rows[row].ChunkId] = row;
            }
            _rows[last] = default;
        }

        /// <summary>The segment files are about to change: the snapshot no longer describes them (and must not survive a crash).</summary>
        private void BeforeChange()
        {
            if (!_snapshotOnDisk) return;
            VectorShardSnapshot.Delete(directory!);
            _snapshotOnDisk = false;
        }

        /// <summary>Removes the shard's segment files and snapshot (its dimension changed, or it starts over).</summary>
        private void DeleteSegments()
        {
            if (directory is null || !System.IO.Directory.Exists(directory)) return;
            VectorShardSnapshot.Delete(directory);
            foreach (var file in System.IO.Directory.EnumerateFiles(directory, "vectors-*.f32")) File.Delete(file);
        }

        /// <summary>
        /// Brings back the rows a snapshot saved at <paramref name="generation"/>. Holding chunks, the rows answer once
        /// <see cref="Bind"/> gave them their chunks; otherwise they are whole (results are read from the store).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // a restart runs it once, before tiered compilation would get to it
        public bool TryRestore(string collection, long generation, bool holdsChunks)
        {
            if (directory is null || !System.IO.Directory.Exists(directory)) return false;
            var snapshot = VectorShardSnapshot.TryRead(directory, _quantized);
            if (snapshot is not { Header: var header, Rows: var rows } || header.Generation != generation || !SegmentsHold(header)) return false;
            Dimensions = header.Dimensions;
            if (Dimensions > 0)
            {
                _vectors = new VectorFloatRows(directory, Dimensions, header.RowsPerSegment);
                _vectors.EnsureCapacity(header.Count);
            }
            _rows = new RowChunk[Math.Max(16, header.Count)];
            _rowAccess = new int[_rows.Length];
            _classes = snapshot.AccessClasses;
            foreach (var (chunkId, documentId, access) in rows)
            {
                _rowAccess[Count] = access;
                _rows[Count++] = new RowChunk(chunkId, documentId);
            }
            _restoredDocumentIds = snapshot.DocumentIds;
            if (holdsChunks)
            {
                // Binding needs the maps at once (tests and tools only: the lab reads results from the store).
                EnsureMaps();
                foreach (var (chunkId, _, _) in rows) _unbound.Add(chunkId);
            }
            _snapshotOnDisk = true;
            _snapshotGeneration = generation;
            _snapshotSavedAt = header.SavedAt;
            return true;
        }

        public IndexSnapshotContents SnapshotContents() => new(_restoredDocumentIds ?? [.. _chunkIdsByDocument.Keys], _snapshotSavedAt);

        /// <summary>Builds the chunk and document maps of a restored shard, before its first write.</summary>
        private void EnsureMaps()
        {
            if (_restoredDocumentIds is null) return;
            _rowByChunkId.EnsureCapacity(Count);
            for (var row = 0; row < Count; row++)
            {
                var (chunkId, documentId) = _rows[row];
                _rowByChunkId[chunkId] = row;
                if (!_chunkIdsByDocument.TryGetValue(documentId, out var ids))
                    _chunkIdsByDocument[documentId] = ids = new HashSet<string>(StringComparer.Ordinal);
                ids.Add(chunkId);
            }
            _restoredDocumentIds = null;
        }

        private bool SegmentsHold(VectorShardSnapshot.Header header)
        {
            var rowBytes = (long)header.Dimensions * sizeof(float);
            for (var segment = 0; (long)segment * header.RowsPerSegment < header.Count; segment++)
            {
                var rows = Math.Min(header.RowsPerSegment, header.Count - segment * header.RowsPerSegment);
                var file = new FileInfo(Path.Combine(directory!, VectorFloatRows.SegmentFileName(segment)));
                if (!file.Exists || file.Length < rows * rowBytes) return false;
            }
            return true;
        }

        public void Bind(Chunk chunk)
        {
            if (_heldChunks is null || !_unbound.Contains(chunk.Id)) return;
            var row = _rowByChunkId[chunk.Id];
            if (_rows[row].DocumentId != chunk.DocumentId) return; // not the same chunk: DropUnbound removes it
            _heldChunks[chunk.Id] = chunk;
            _unbound.Remove(chunk.Id);
        }

        /// <summary>Removes restored rows whose chunk the store no longer has (there are none when the generation matched).</summary>
        public int DropUnbound()
        {
            if (_unbound.Count == 0) return 0;
            BeforeChange();
            var dropped = _unbound.Count;
            Span<float> scratch = Dimensions <= StackRowLimit ? stackalloc float[Dimensions] : new float[Dimensions];
            foreach (var chunkId in _unbound.ToList())
            {
                var documentId = _rows[_rowByChunkId[chunkId]].DocumentId;
                RemoveRow(chunkId, scratch);
                if (_chunkIdsByDocument.TryGetValue(documentId, out var ids) && ids.Remove(chunkId) && ids.Count == 0) _chunkIdsByDocument.Remove(documentId);
            }
            return dropped;
        }

        /// <summary>Writes the snapshot (after forcing the rows to disk), unless the one on disk is still current.</summary>
        public void Save(long generation)
        {
            if (directory is null || _unbound.Count > 0 || (_snapshotOnDisk && _snapshotGeneration == generation)) return;
            _vectors?.Flush();
            var rows = new (string, string, int)[Count];
            for (var row = 0; row < Count; row++) rows[row] = (_rows[row].ChunkId, _rows[row].DocumentId, _rowAccess[row]);
            var savedAt = DateTimeOffset.UtcNow;
            var header = _vectors is null
                ? new VectorShardSnapshot.Header(generation, savedAt, 0, 0, 0)
                : new VectorShardSnapshot.Header(generation, savedAt, Dimensions, _vectors.RowsPerSegment, Count);
            VectorShardSnapshot.Write(directory, header, rows, _classes, _vectors is null ? null : _quantized);
            _snapshotOnDisk = true;
            _snapshotGeneration = generation;
            _snapshotSavedAt = savedAt;
        }

        /// <summary>The held chunks of <paramref name="matches"/> (a restored row not yet bound gets a stand-in with its ids and no text).</summary>
        public IReadOnlyList<ScoredChunk> HeldResults(string collection, VectorMatch[] matches)
        {
            var results = new ScoredChunk[matches.Length];
            for (var i = 0; i < matches.Length; i++)
            {
                var (chunkId, score) = matches[i];
                var chunk = _heldChunks!.TryGetValue(chunkId, out var held)
                    ? held
                    : new Chunk(chunkId, _rows[_rowByChunkId[chunkId]].DocumentId, "", collection, 0, "", "", 0, 0,
                        Groups: _classes.GroupsOf(_rowAccess[_rowByChunkId[chunkId]]) is { Count: > 0 } groups ? groups : null);
                results[i] = new ScoredChunk(chunk, score);
            }
            return results;
        }

        public VectorMatch[] Search(string collection, ReadOnlySpan<float> query, int topK, ReaderScope scope, out int rescored)
        {
            rescored = 0;
            if (Count == 0) return [];
            // Null for everything (and for a view that reads every class here): the scan then checks nothing and allocates nothing more.
            var readable = _classes.ReadableBy(scope);
            if (readable is not null && Array.IndexOf(readable, true) < 0) return [];
            EnsureDimensions(collection, query.Length, "the query vector");
            EnsureFinite(query, "the query vector");
            var norm = TensorPrimitives.Norm(query);
            if (norm == 0) return [];

            var count = Count;
            var dimensions = Dimensions;
            var unitQuery = new float[dimensions];
            TensorPrimitives.Divide(query, norm, unitQuery);
            var quantizedQuery = VectorQuantizedQuery.Create(unitQuery);
            var k = Math.Min(topK, count);

            // Pass 1: an interval around every row's score from the int8 copy; most rows are dismissed there. One thread:
            // splitting the scan over two cores measured slower under load (it is memory-bound) and doubled the CPU time.
            var lowerBounds = new VectorBoundHeap(k);
            var candidates = new List<(int Row, double UpperBound)>(4 * k + 64);
            _quantized.Scan(quantizedQuery, 0, count, lowerBounds, candidates, _rowAccess, readable);

            // Pass 2: at least k rows score ≥ threshold exactly, so a row whose upper bound is below it cannot be in
            // the top k. The others are rescored exactly as a float32 brute force scores them.
            var threshold = lowerBounds.Threshold;
            var rowChunks = _rows;
            var vectors = _vectors!;
            var collector = new TopKCollector(k, row => rowChunks[row].ChunkId);
            Span<float> unitRow = dimensions <= StackRowLimit ? stackalloc float[dimensions] : new float[dimensions];
            foreach (var (row, upperBound) in candidates)
            {
                if (upperBound < threshold) continue;
                rescored++;
                vectors.Read(row, unitRow);
                collector.Offer(row, TensorPrimitives.Dot(unitRow, unitQuery));
            }
            var top = collector.ToSortedArray();
            var results = new VectorMatch[top.Length];
            for (var i = 0; i < top.Length; i++) results[i] = new VectorMatch(rowChunks[top[i].Slot].ChunkId, top[i].Score);
            return results;
        }

        private void EnsureDimensions(string collection, int length, string what)
        {
            if (length != Dimensions)
                throw new ValidationException(
                    $"Collection '{collection}' holds {Dimensions}-dimensional embeddings, but {what} has {length} dimensions. " +
                    "The embedding model was probably changed: switch back to the model the collection was indexed with, " +
                    "or re-index the collection (delete and re-upload its documents) with the new model.");
        }

        // A NaN or infinite component would make every score (and the int8 intervals) meaningless.
        private static void EnsureFinite(ReadOnlySpan<float> vector, string what)
        {
            foreach (var value in vector)
            {
                if (!float.IsFinite(value))
                    throw new ValidationException(
                        $"{char.ToUpperInvariant(what[0])}{what[1..]} contains {value}; the embedding model returned an invalid vector. " +
                        "Check the embedding model (try it on this text alone) and retry.");
            }
        }

        private void EnsureCapacity(int rows)
        {
            if (rows > _rows.Length)
            {
                Array.Resize(ref _rows, Math.Max(rows, Math.Max(16, _rows.Length * 2))); // two references a row
                Array.Resize(ref _rowAccess, _rows.Length);
            }
            _quantized.EnsureCapacity(rows);
            _vectors!.EnsureCapacity(rows);
        }

        private void Unlink(RowChunk row)
        {
            if (_chunkIdsByDocument.TryGetValue(row.DocumentId, out var ids))
            {
                ids.Remove(row.ChunkId);
                if (ids.Count == 0) _chunkIdsByDocument.Remove(row.DocumentId);
            }
        }
    }

    /// <summary>What a row stands for: its chunk and document ids (the text stays in the document store).</summary>
    private readonly record struct RowChunk(string ChunkId, string DocumentId);
}

/// <summary>A chunk id the vector index matched and its exact cosine score, before the chunk is read from the store.</summary>
internal readonly record struct VectorMatch(string ChunkId, double Score);
