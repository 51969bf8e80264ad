using System.Collections.Concurrent;
using System.Numerics.Tensors;
using RagLab.Core.Ingestion;

namespace RagLab.Core.Retrieval;

/// <summary>
/// The embedded vector index: exact cosine similarity over every chunk of a collection. Vectors are normalized on
/// insert; the float32 unit vectors, the one authoritative copy, live in segment files under
/// <see cref="ExactVectorIndexOptions.Directory"/> (<see cref="VectorFloatRows"/>), and the heap holds an int8 copy.
/// A query scans the int8 copy (a quarter of the bytes; the scan is memory-bound), which gives each chunk a proven
/// interval around its float32 score, then rescores in float32 only the chunks whose interval reaches the K-th best
/// lower bound. The result is the same top K, with the same scores and tie order, as scoring every chunk in float32
/// (see <see cref="VectorQuantizedRows"/>). Both copies grow by segments, never by copying the whole matrix.
/// Searches run concurrently; writes to a collection are exclusive.
/// A collection takes the dimension of its first vector; vectors of another dimension are rejected.
/// </summary>
public sealed class ExactVectorIndex : IVectorIndex, IDisposable
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
    }

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

    public Task UpsertAsync(IReadOnlyList<EmbeddedChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        foreach (var group in chunks.GroupBy(c => c.Chunk.Collection, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var shard = _shards.GetOrAdd(group.Key, static (collection, storage) => new Shard(storage.ShardDirectory(collection)), _storage);
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
    private sealed class Shard(string? directory) : IDisposable
    {
        public readonly ReaderWriterLockSlim Lock = new(LockRecursionPolicy.NoRecursion);
        private VectorFloatRows? _vectors;
        private readonly VectorQuantizedRows _quantized = new();
        private Chunk[] _chunks = [];
        private readonly Dictionary<string, int> _rowByChunkId = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<string>> _chunkIdsByDocument = new(StringComparer.Ordinal);

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
            if (Count == 0 && Dimensions != vector.Length)
            {
                Dimensions = vector.Length;
                var rowsPerSegment = (int)Math.Max(1024, 1L << System.Numerics.BitOperations.Log2((ulong)(SegmentBytes / (Dimensions * sizeof(float)))));
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
            Span<float> scratch = Dimensions <= StackRowLimit ? stackalloc float[Dimensions] : new float[Dimensions];
            foreach (var chunkId in ids)
            {
                if (!_rowByChunkId.Remove(chunkId, out var row)) continue;
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
