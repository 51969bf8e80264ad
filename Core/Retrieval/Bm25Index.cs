using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval;

/// <summary>
/// The embedded keyword index: an in-process inverted index per collection, scored with Lucene's BM25
/// (<see cref="Bm25Similarity"/>) over terms from an <see cref="IAnalyzer"/> (by default <see cref="EnglishAnalyzer"/>).
/// It keeps chunk ids, lengths, compressed postings and each chunk's access class (its document's reader groups), not text:
/// the top K are read back from the document store.
/// A search with a <see cref="ReaderScope"/> skips chunks the reader may not read before scoring them. Corpus statistics (IDF,
/// average length) stay those of the whole collection, as a filtered Lucene query keeps them: a view changes which chunks
/// compete, not how a chunk scores, so a chunk has one score whoever reads it (the statistics leak only aggregate counts).
/// Searches run concurrently; writes to a collection are exclusive. Analysis happens outside the lock.
/// The index lives in memory. Given a snapshot directory, each collection can be saved there and restored at the next
/// start while its generation has not moved (<see cref="IIndexSnapshots"/>); otherwise callers rebuild it from the
/// stored chunks at start-up.
/// </summary>
public sealed class Bm25Index : ILexicalIndex, IIndexSnapshots, IDisposable
{
    private readonly IDocumentStore _documents;
    private readonly IAnalyzer _analyzer;
    private readonly Bm25Similarity _similarity;
    private readonly ConcurrentDictionary<string, Shard> _shards = new(StringComparer.Ordinal);
    private readonly IndexDirectory _storage;
    private readonly Lock _saveGate = new();

    /// <summary>English analysis and Anserini's BM25 defaults (k1 = 0.9, b = 0.4).</summary>
    public Bm25Index(IDocumentStore documents) : this(documents, EnglishAnalyzer.Instance, new Bm25Options())
    {
    }

    /// <param name="snapshotDirectory">
    /// A directory of its own for snapshots (the registration passes <c>{RagLab:DataDirectory}/bm25</c>), held with an
    /// exclusive lock; null, or a directory another process holds, keeps the index in memory only.
    /// </param>
    public Bm25Index(IDocumentStore documents, IAnalyzer analyzer, Bm25Options options, string? snapshotDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(analyzer);
        _documents = documents;
        _analyzer = analyzer;
        _similarity = new Bm25Similarity(options);
        _storage = IndexDirectory.Open(snapshotDirectory);
    }

    /// <summary>Where snapshots are saved, or null when they are not (none given, or another process holds it).</summary>
    public string? SnapshotDirectory => _storage.Directory;

    public void Dispose() => _storage.Dispose();

    public IReadOnlySet<string> Restore(IReadOnlyDictionary<string, long> generations)
    {
        ArgumentNullException.ThrowIfNull(generations);
        var restored = new HashSet<string>(StringComparer.Ordinal);
        if (_storage.Directory is null) return restored;
        foreach (var (collection, generation) in generations)
        {
            if (_shards.ContainsKey(collection)) continue; // already written to in this run: it is current
            var directory = _storage.ShardDirectory(collection)!;
            if (Bm25ShardSnapshot.TryRead(directory, generation) is not { } snapshot) continue;
            if (_shards.TryAdd(collection, new Shard(directory, snapshot.Index) { SnapshotGeneration = generation, SnapshotSavedAt = snapshot.SavedAt, SnapshotOnDisk = true }))
                restored.Add(collection);
        }
        // Snapshots of other generations and of deleted collections would never be read again.
        _storage.DeleteShardDirectoriesExcept(_shards.Keys.Select(_storage.ShardDirectory).OfType<string>());
        return restored;
    }

    public IndexSnapshotContents RestoredContents(string collection)
    {
        if (!_shards.TryGetValue(collection, out var shard)) throw new ArgumentException($"Collection '{collection}' was not restored.", nameof(collection));
        shard.Lock.EnterReadLock();
        try { return new IndexSnapshotContents([.. shard.Index.DocumentIds], shard.SnapshotSavedAt); }
        finally { shard.Lock.ExitReadLock(); }
    }

    /// <summary>Saves every collection named whose snapshot is not current, an empty one too (a restart then reads nothing for it).</summary>
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
            try
            {
                if (shard.SnapshotOnDisk && shard.SnapshotGeneration == generation) continue;
                var savedAt = DateTimeOffset.UtcNow;
                Bm25ShardSnapshot.Write(shard.Directory!, generation, savedAt, shard.Index);
                (shard.SnapshotGeneration, shard.SnapshotSavedAt, shard.SnapshotOnDisk) = (generation, savedAt, true);
            }
            finally
            {
                shard.Lock.ExitReadLock();
            }
        }
    }

    private Shard NewShard(string collection) => new(_storage.ShardDirectory(collection), new InvertedIndex());

    public Task AddAsync(IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        foreach (var group in chunks.GroupBy(c => c.Collection, StringComparer.Ordinal))
        {
            var batch = new AnalyzedBatch();
            foreach (var chunk in group)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Analyze(chunk.Text, batch);
                batch.EndChunk(chunk.Id, chunk.DocumentId, chunk.Groups);
            }
            var shard = _shards.GetOrAdd(group.Key, static (name, index) => index.NewShard(name), this);
            shard.Lock.EnterWriteLock();
            try
            {
                shard.BeforeChange();
                batch.AddTo(shard.Index);
                shard.Index.CompactIfWorthwhile();
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
            if (!shard.Index.HasDocument(documentId)) return Task.CompletedTask;
            shard.BeforeChange();
            shard.Index.DeleteDocument(documentId);
            shard.Index.CompactIfWorthwhile();
        }
        finally
        {
            shard.Lock.ExitWriteLock();
        }
        return Task.CompletedTask;
    }

    /// <summary>The best chunks of every document, read back from the document store (a chunk deleted meanwhile is left out).</summary>
    public Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, string query, int topK, CancellationToken cancellationToken) =>
        SearchAsync(collection, query, topK, ReaderScope.Everything, cancellationToken);

    /// <summary>The best chunks <paramref name="scope"/> may read, read back from the document store (a chunk deleted meanwhile is left out).</summary>
    public async Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, string query, int topK, ReaderScope scope, CancellationToken cancellationToken)
    {
        var matches = Search(collection, query, topK, scope, cancellationToken);
        if (matches.Count == 0) return [];
        var chunks = (await _documents.GetChunksByIdAsync([.. matches.Select(m => m.ChunkId)], cancellationToken).ConfigureAwait(false))
            .ToDictionary(c => c.Id, StringComparer.Ordinal);
        var results = new List<ScoredChunk>(matches.Count);
        foreach (var match in matches)
        {
            if (chunks.TryGetValue(match.ChunkId, out var chunk)) results.Add(new ScoredChunk(chunk, match.Score));
        }
        return results;
    }

    /// <summary>The best <paramref name="topK"/> chunk ids with their scores, best first; ties broken by chunk id.</summary>
    public IReadOnlyList<LexicalMatch> Search(string collection, string query, int topK, CancellationToken cancellationToken) =>
        Search(collection, query, topK, ReaderScope.Everything, cancellationToken);

    /// <summary>
    /// The best <paramref name="topK"/> chunk ids that <paramref name="scope"/> may read, with their scores, best first; ties broken
    /// by chunk id. The same ids and scores, in the same order, as an unbounded search of everything with the unreadable chunks
    /// taken out afterwards.
    /// </summary>
    public IReadOnlyList<LexicalMatch> Search(string collection, string query, int topK, ReaderScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_shards.TryGetValue(collection, out var shard)) return [];

        // Repeated query terms weigh more, as in Anserini's bag-of-words query (a boost per term count).
        var queryTerms = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in _analyzer.Analyze(query))
            CollectionsMarshal.GetValueRefOrAddDefault(queryTerms, term, out _)++;
        if (queryTerms.Count == 0) return [];

        shard.Lock.EnterReadLock();
        try
        {
            var index = shard.Index;
            if (index.LiveCount == 0) return [];
            // Null for everything (and for a view that reads every class here): the scoring loop then checks nothing.
            var readable = index.AccessClasses.ReadableBy(scope);
            if (readable is not null && Array.IndexOf(readable, true) < 0) return [];
            var (normConstant, normPerTerm) = _similarity.LengthNormCoefficients(index.AverageLength);
            var terms = new List<Bm25MaxScore.QueryTerm>(queryTerms.Count);
            foreach (var (term, queryFrequency) in queryTerms)
            {
                if (!index.TryGetTerm(term, out var postings, out var documentFrequency)) continue;
                var weight = _similarity.QueryTermWeight(Bm25Similarity.Idf(index.LiveCount, documentFrequency), queryFrequency);
                terms.Add(new Bm25MaxScore.QueryTerm(postings, weight));
            }
            if (terms.Count == 0) return [];

            var top = Bm25MaxScore.Search(index, [.. terms], normConstant, normPerTerm, Math.Min(topK, index.LiveCount), readable);
            var results = new LexicalMatch[top.Length];
            for (var i = 0; i < top.Length; i++) results[i] = new LexicalMatch(index.ChunkIdAt(top[i].Slot)!, top[i].Score);
            return results;
        }
        finally
        {
            shard.Lock.ExitReadLock();
        }
    }

    /// <summary>The number of live chunks in a collection.</summary>
    public int Count(string collection)
    {
        if (!_shards.TryGetValue(collection, out var shard)) return 0;
        shard.Lock.EnterReadLock();
        try { return shard.Index.LiveCount; }
        finally { shard.Lock.ExitReadLock(); }
    }

    /// <summary>An estimate of the heap bytes a collection's index holds (for the benchmark's memory report).</summary>
    public long EstimateBytes(string collection)
    {
        if (!_shards.TryGetValue(collection, out var shard)) return 0;
        shard.Lock.EnterReadLock();
        try { return shard.Index.EstimateBytes(); }
        finally { shard.Lock.ExitReadLock(); }
    }

    private void Analyze(string text, AnalyzedBatch batch)
    {
        if (_analyzer is EnglishAnalyzer english)
        {
            // Span path: a term string is allocated only the first time it occurs in the batch.
            english.Analyze(text, batch, static (term, b) => b.Count(term));
        }
        else
        {
            foreach (var term in _analyzer.Analyze(text)) batch.Count(term);
        }
    }

    /// <param name="directory">Where its snapshot goes, or null when snapshots are not kept.</param>
    private sealed class Shard(string? directory, InvertedIndex index)
    {
        public readonly ReaderWriterLockSlim Lock = new(LockRecursionPolicy.NoRecursion);
        public readonly InvertedIndex Index = index;
        public string? Directory => directory;

        // Written under the read lock by the one saver (the save gate), read by writers under the write lock.
        public bool SnapshotOnDisk;
        public long SnapshotGeneration;
        public DateTimeOffset SnapshotSavedAt;

        /// <summary>The index is about to change: its snapshot no longer describes it (and must not survive a crash).</summary>
        public void BeforeChange()
        {
            if (!SnapshotOnDisk) return;
            Bm25ShardSnapshot.Delete(directory!);
            SnapshotOnDisk = false;
        }
    }

    /// <summary>
    /// A batch's chunks as (local term id, frequency) lists over a vocabulary of the batch, so analysis needs no lock
    /// and each distinct term is looked up in the index once per batch.
    /// </summary>
    private sealed class AnalyzedBatch
    {
        private readonly Dictionary<string, int> _localIds = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private readonly List<string> _terms = [];
        private int[] _counts = new int[256];
        private readonly List<int> _touched = [];
        private int _length;

        private readonly List<int> _termIds = [];
        private readonly List<int> _frequencies = [];
        private readonly List<(string ChunkId, string DocumentId, int Start, int Count, int Length, IReadOnlyList<string>? Groups)> _chunks = [];

        public AnalyzedBatch() => _lookup = _localIds.GetAlternateLookup<ReadOnlySpan<char>>();

        public void Count(ReadOnlySpan<char> term)
        {
            ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(_lookup, term, out var exists);
            if (!exists)
            {
                id = _terms.Count;
                _lookup.TryGetValue(term, out var key, out _);
                _terms.Add(key!); // the string the dictionary made for the span: one allocation per distinct term
                if (id == _counts.Length) Array.Resize(ref _counts, _counts.Length * 2);
            }
            if (_counts[id]++ == 0) _touched.Add(id);
            _length++;
        }

        public void EndChunk(string chunkId, string documentId, IReadOnlyList<string>? groups)
        {
            var start = _termIds.Count;
            foreach (var id in _touched)
            {
                _termIds.Add(id);
                _frequencies.Add(_counts[id]);
                _counts[id] = 0;
            }
            _chunks.Add((chunkId, documentId, start, _touched.Count, _length, groups));
            _touched.Clear();
            _length = 0;
        }

        public void AddTo(InvertedIndex index)
        {
            var termIdOf = new int[_terms.Count];
            for (var i = 0; i < termIdOf.Length; i++) termIdOf[i] = index.GetOrAddTerm(_terms[i]);
            var termIds = CollectionsMarshal.AsSpan(_termIds);
            var frequencies = CollectionsMarshal.AsSpan(_frequencies);
            foreach (var (chunkId, documentId, start, count, length, groups) in _chunks)
                index.Add(chunkId, documentId, termIds.Slice(start, count), frequencies.Slice(start, count), length, termIdOf, index.AccessClasses.NumberOf(groups));
        }
    }
}
