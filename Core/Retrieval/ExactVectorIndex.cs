using System.Collections.Concurrent;
using System.Numerics.Tensors;
using RagLab.Core.Ingestion;
using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval;

/// <summary>
/// The embedded vector index: exact cosine similarity over every chunk of a collection. Vectors are normalized on
/// insert and kept in one contiguous float array, plus an int8 copy. A query scans the int8 copy (a quarter of the
/// bytes; the scan is memory-bound), which gives each chunk a proven interval around its float32 score, then rescores
/// in float32 only the chunks whose interval reaches the K-th best lower bound. The result is the same top K, with
/// the same scores and tie order, as scoring every chunk in float32 (see <see cref="VectorQuantizedRows"/>).
/// Searches run concurrently; writes to a collection are exclusive.
/// A collection takes the dimension of its first vector; vectors of another dimension are rejected.
/// </summary>
public sealed class ExactVectorIndex : IVectorIndex
{
    private readonly ConcurrentDictionary<string, Shard> _shards = new(StringComparer.Ordinal);

    public Task UpsertAsync(IReadOnlyList<EmbeddedChunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        foreach (var group in chunks.GroupBy(c => c.Chunk.Collection, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var shard = _shards.GetOrAdd(group.Key, static _ => new Shard());
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
        if (!_shards.TryGetValue(collection, out var shard)) return Task.FromResult<IReadOnlyList<ScoredChunk>>([]);
        shard.Lock.EnterReadLock();
        try
        {
            return Task.FromResult(shard.Search(collection, query.Span, topK));
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
    private sealed class Shard
    {
        public readonly ReaderWriterLockSlim Lock = new(LockRecursionPolicy.NoRecursion);
        private float[] _vectors = [];
        private readonly VectorQuantizedRows _quantized = new();
        private Chunk[] _chunks = [];
        private readonly Dictionary<string, int> _rowByChunkId = new(StringComparer.Ordinal);
        private readonly Dictionary<string, HashSet<string>> _chunkIdsByDocument = new(StringComparer.Ordinal);

        public int Count { get; private set; }
        public int Dimensions { get; private set; }

        public void Upsert(Chunk chunk, ReadOnlySpan<float> vector)
        {
            if (vector.Length == 0)
                throw new ValidationException($"Chunk '{chunk.Id}' has an empty embedding vector; the embedding model returned nothing for it.");
            EnsureFinite(vector, $"the embedding of chunk '{chunk.Id}'");
            if (Count == 0 && Dimensions != vector.Length)
            {
                Dimensions = vector.Length;
                _vectors = new float[checked(_chunks.Length * Dimensions)];
                _quantized.Reset(_chunks.Length, Dimensions);
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
            var target = _vectors.AsSpan(row * Dimensions, Dimensions);
            var norm = TensorPrimitives.Norm(vector);
            if (norm > 0) TensorPrimitives.Divide(vector, norm, target);
            else target.Clear();
            _quantized.Set(row, target);
            if (!_chunkIdsByDocument.TryGetValue(chunk.DocumentId, out var ids))
                _chunkIdsByDocument[chunk.DocumentId] = ids = new HashSet<string>(StringComparer.Ordinal);
            ids.Add(chunk.Id);
        }

        public void DeleteDocument(string documentId)
        {
            if (!_chunkIdsByDocument.Remove(documentId, out var ids)) return;
            foreach (var chunkId in ids)
            {
                if (!_rowByChunkId.Remove(chunkId, out var row)) continue;
                var last = --Count;
                if (row != last)
                {
                    _chunks[row] = _chunks[last];
                    _vectors.AsSpan(last * Dimensions, Dimensions).CopyTo(_vectors.AsSpan(row * Dimensions, Dimensions));
                    _quantized.Move(last, row);
                    _rowByChunkId[_chunks[row].Id] = row;
                }
                _chunks[last] = null!;
            }
        }

        public IReadOnlyList<ScoredChunk> Search(string collection, ReadOnlySpan<float> query, int topK)
        {
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
            var vectors = _vectors.AsSpan();
            var collector = new TopKCollector(k, row => chunks[row].Id);
            foreach (var (row, upperBound) in candidates)
            {
                if (upperBound >= threshold)
                    collector.Offer(row, TensorPrimitives.Dot(vectors.Slice(row * dimensions, dimensions), unitQuery));
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
            if (rows <= _chunks.Length) return;
            var capacity = Math.Max(rows, Math.Max(16, _chunks.Length * 2));
            Array.Resize(ref _chunks, capacity);
            Array.Resize(ref _vectors, checked(capacity * Dimensions));
            _quantized.Resize(capacity);
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
