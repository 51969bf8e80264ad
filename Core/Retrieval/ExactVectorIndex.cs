using System.Collections.Concurrent;
using System.Numerics.Tensors;
using RagLab.Core.Ingestion;
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
/// Searches run concurrently; writes to a collection are exclusive. With a directory, a shard can be saved as a
/// snapshot and restored at the next start without reading a vector from the store (<see cref="IVectorIndexSnapshots"/>).
/// A collection takes the dimension of its first vector; vectors of another dimension are rejected.
/// </summary>
public sealed class ExactVectorIndex : IVectorIndex, IVectorIndexSnapshots, IDisposable
{
    private const long SegmentBytes = 64L << 20;

    private const int StackRowLimit = 2048; // floats: rows up to 8 KiB are copied on the stack

    private readonly ConcurrentDictionary<string, Shard> _shards = new(StringComparer.Ordinal);
    private readonly ExactVectorIndexStorage _storage;

    /// <summary>An index whose float32 rows live in anonymous temporary files (tests, tools).</summary>
    public ExactVectorIndex() : this(new ExactVectorIndexOptions()) { }

    public ExactVectorIndex(ExactVectorIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _storage = ExactVectorIndexStorage.Open(options.Directory);
        _rowsPerSegment = options.RowsPerSegment;
    }

    private readonly int _rowsPerSegment;
    private readonly Lock _saveGate = new();

    /// <summary>Where the float32 rows live: a directory, or null for temporary files (no directory was given, or another process holds it).</summary>
    public string? StorageDirectory => _storage.Directory;

    /// <summary>Bytes the index holds in memory for its vectors: the int8 codes and their bounds (the float32 rows are in files).</summary>
    public long HeldVectorBytes => _shards.Values.Sum(shard => shard.HeldVectorBytes);

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
            var shard = new Shard(_storage.ShardDirectory(collection), _rowsPerSegment);
            if (shard.TryRestore(collection, generation) && _shards.TryAdd(collection, shard)) restored.Add(collection);
            else shard.Dispose();
        }
        _storage.DeleteShardDirectoriesExcept(_shards.Keys.Select(_storage.ShardDirectory).OfType<string>());
        return restored;
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

    public void SaveSnapshots(IReadOnlyDictionary<string, long> generations)
    {
        ArgumentNullException.ThrowIfNull(generations);
        lock (_saveGate) // one writer of snapshot files at a time (after start and at stop may overlap)
        foreach (var (collection, shard) in _shards)
        {
            if (!generations.TryGetValue(collection, out var generation)) continue;
            // A read lock: searches go on, writes wait until the snapshot is whole.
            shard.Lock.EnterReadLock();
            try { shard.Save(generation); }
            finally { shard.Lock.ExitReadLock(); }
        }
    }

    public Task UpsertAsync(IReadOnlyList<EmbeddedChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        foreach (var group in chunks.GroupBy(c => c.Chunk.Collection, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var shard = _shards.GetOrAdd(group.Key, static (collection, index) => new Shard(index._storage.ShardDirectory(collection), index._rowsPerSegment), this);
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

    public Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, ReadOnlyMemory<float> query, int topK, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Search(collection, query.Span, topK, out _));
    }

    /// <summary>The search, and how many rows it read in float32 (what the benchmark needs to compute the bytes a query reads).</summary>
    internal IReadOnlyList<ScoredChunk> Search(string collection, ReadOnlySpan<float> query, int topK, out int rescored)
    {
        rescored = 0;
        if (!_shards.TryGetValue(collection, out var shard)) return [];
        shard.Lock.EnterReadLock();
        try
        {
            return shard.Search(collection, query, topK, out rescored);
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

    /// <summary>One collection: row i of <see cref="_vectors"/> is the unit vector of <see cref="_chunks"/>[i]; rows are dense (a delete moves the last row into the hole).</summary>
    private sealed class Shard(string? directory, int segmentRows) : IDisposable
    {
        public readonly ReaderWriterLockSlim Lock = new(LockRecursionPolicy.NoRecursion);
        private VectorFloatRows? _vectors;
        private readonly VectorQuantizedRows _quantized = new();
        private Chunk[] _chunks = [];
        private readonly Dictionary<string, int> _rowByChunkId = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<string>> _chunkIdsByDocument = new(StringComparer.Ordinal);
        private readonly HashSet<string> _unbound = new(StringComparer.Ordinal); // restored rows still waiting for their chunk
        private bool _snapshotOnDisk; // true while the snapshot file matches the segment files
        private long _snapshotGeneration;

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
            BeforeChange();
            _unbound.Remove(chunk.Id);
            if (Count == 0 && Dimensions != vector.Length)
            {
                Dimensions = vector.Length;
                var rowsPerSegment = segmentRows > 0 ? segmentRows : (int)Math.Max(1024, 1L << System.Numerics.BitOperations.Log2((ulong)(SegmentBytes / (Dimensions * sizeof(float)))));
                _vectors?.Dispose();
                ExactVectorIndexStorage.DeleteSegments(directory);
                _vectors = new VectorFloatRows(directory, Dimensions, rowsPerSegment);
                _quantized.Reset(0, Dimensions, rowsPerSegment);
                _chunks = [];
            }
            else EnsureDimensions(chunk.Collection, vector.Length, "the vector of chunk '" + chunk.Id + "'");

            if (_rowByChunkId.TryGetValue(chunk.Id, out var row))
            {
                var previous = _chunks[row];
                if (previous.DocumentId != chunk.DocumentId) Unlink(previous);
            }
            else
            {
                row = Count++;
                EnsureCapacity(Count);
                _rowByChunkId[chunk.Id] = row;
            }
            _chunks[row] = chunk;
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
            if (!_chunkIdsByDocument.Remove(documentId, out var ids)) return;
            BeforeChange();
            Span<float> scratch = Dimensions <= StackRowLimit ? stackalloc float[Dimensions] : new float[Dimensions];
            foreach (var chunkId in ids) RemoveRow(chunkId, scratch);
        }

        /// <summary>Removes a chunk's row: the last row moves into the hole, so rows stay dense.</summary>
        private void RemoveRow(string chunkId, Span<float> scratch)
        {
            _unbound.Remove(chunkId);
            if (!_rowByChunkId.Remove(chunkId, out var row)) return;
            var last = --Count;
            if (row != last)
            {
                _chunks[row] = _chunks[last];
                _vectors!.Move(last, row, scratch);
                _quantized.Move(last, row);
                _rowByChunkId[_chunks[row].Id] = row;
            }
            _chunks[last] = null!;
        }

        /// <summary>The segment files are about to change: the snapshot no longer describes them (and must not survive a crash).</summary>
        private void BeforeChange()
        {
            if (!_snapshotOnDisk) return;
            VectorShardSnapshot.Delete(directory!);
            _snapshotOnDisk = false;
        }

        /// <summary>Brings back the rows a snapshot saved at <paramref name="generation"/>; their chunks come with <see cref="Bind"/>.</summary>
        public bool TryRestore(string collection, long generation)
        {
            if (directory is null || !Directory.Exists(directory)) return false;
            var snapshot = VectorShardSnapshot.TryRead(directory, _quantized);
            if (snapshot is not ({ } header, var rows) || header.Generation != generation || !SegmentsHold(header)) return false;
            Dimensions = header.Dimensions;
            _vectors = new VectorFloatRows(directory, Dimensions, header.RowsPerSegment);
            _vectors.EnsureCapacity(header.Count);
            _chunks = new Chunk[Math.Max(16, header.Count)];
            foreach (var (chunkId, documentId) in rows)
            {
                var row = Count++;
                // A stand-in until the loader binds the chunk read from the store (the text is not in the snapshot).
                _chunks[row] = new Chunk(chunkId, documentId, "", collection, 0, "", "", 0, 0);
                _rowByChunkId[chunkId] = row;
                _unbound.Add(chunkId);
                if (!_chunkIdsByDocument.TryGetValue(documentId, out var ids))
                    _chunkIdsByDocument[documentId] = ids = new HashSet<string>(StringComparer.Ordinal);
                ids.Add(chunkId);
            }
            _snapshotOnDisk = true;
            _snapshotGeneration = generation;
            return true;
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
            if (!_unbound.Contains(chunk.Id)) return;
            var row = _rowByChunkId[chunk.Id];
            if (_chunks[row].DocumentId != chunk.DocumentId) return; // not the same chunk: DropUnbound removes it
            _chunks[row] = chunk;
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
                var documentId = _chunks[_rowByChunkId[chunkId]].DocumentId;
                RemoveRow(chunkId, scratch);
                if (_chunkIdsByDocument.TryGetValue(documentId, out var ids) && ids.Remove(chunkId) && ids.Count == 0) _chunkIdsByDocument.Remove(documentId);
            }
            return dropped;
        }

        /// <summary>Writes the snapshot (after forcing the rows to disk), unless the one on disk is still current.</summary>
        public void Save(long generation)
        {
            if (directory is null || _vectors is null || _unbound.Count > 0 || (_snapshotOnDisk && _snapshotGeneration == generation)) return;
            _vectors.Flush();
            var rows = new (string, string)[Count];
            for (var row = 0; row < Count; row++) rows[row] = (_chunks[row].Id, _chunks[row].DocumentId);
            VectorShardSnapshot.Write(directory, new VectorShardSnapshot.Header(generation, Dimensions, _vectors.RowsPerSegment, Count), rows, _quantized);
            _snapshotOnDisk = true;
            _snapshotGeneration = generation;
        }

        public IReadOnlyList<ScoredChunk> Search(string collection, ReadOnlySpan<float> query, int topK, out int rescored)
        {
            rescored = 0;
            if (Count == 0) return [];
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
            _quantized.Scan(quantizedQuery, 0, count, lowerBounds, candidates);

            // Pass 2: at least k rows score ≥ threshold exactly, so a row whose upper bound is below it cannot be in
            // the top k. The others are rescored exactly as a float32 brute force scores them.
            var threshold = lowerBounds.Threshold;
            var chunks = _chunks;
            var vectors = _vectors!;
            var collector = new TopKCollector(k, row => chunks[row].Id);
            Span<float> unitRow = dimensions <= StackRowLimit ? stackalloc float[dimensions] : new float[dimensions];
            foreach (var (row, upperBound) in candidates)
            {
                if (upperBound < threshold) continue;
                rescored++;
                vectors.Read(row, unitRow);
                collector.Offer(row, TensorPrimitives.Dot(unitRow, unitQuery));
            }
            var top = collector.ToSortedArray();
            var results = new ScoredChunk[top.Length];
            for (var i = 0; i < top.Length; i++) results[i] = new ScoredChunk(chunks[top[i].Slot], top[i].Score);
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
            if (rows > _chunks.Length) Array.Resize(ref _chunks, Math.Max(rows, Math.Max(16, _chunks.Length * 2))); // references only
            _quantized.EnsureCapacity(rows);
            _vectors!.EnsureCapacity(rows);
        }

        private void Unlink(Chunk chunk)
        {
            if (_chunkIdsByDocument.TryGetValue(chunk.DocumentId, out var ids))
            {
                ids.Remove(chunk.Id);
                if (ids.Count == 0) _chunkIdsByDocument.Remove(chunk.DocumentId);
            }
        }
    }
}
