using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using RagLab.Core.Ingestion;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval;

/// <summary>
/// The embedded keyword index: an in-process inverted index per collection, scored with Lucene's BM25
/// (<see cref="Bm25Similarity"/>) over terms from an <see cref="IAnalyzer"/> (by default <see cref="EnglishAnalyzer"/>).
/// It keeps chunk ids, lengths and compressed postings, not text: the top K are read back from the document store.
/// Searches run concurrently; writes to a collection are exclusive. Analysis happens outside the lock.
/// The index lives in memory: callers rebuild it from stored chunks at start-up.
/// </summary>
public sealed class Bm25Index : ILexicalIndex
{
    private readonly IDocumentStore _documents;
    private readonly IAnalyzer _analyzer;
    private readonly Bm25Similarity _similarity;
    private readonly ConcurrentDictionary<string, Shard> _shards = new(StringComparer.Ordinal);

    /// <summary>English analysis and Anserini's BM25 defaults (k1 = 0.9, b = 0.4).</summary>
    public Bm25Index(IDocumentStore documents) : this(documents, EnglishAnalyzer.Instance, new Bm25Options())
    {
    }

    public Bm25Index(IDocumentStore documents, IAnalyzer analyzer, Bm25Options options)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(analyzer);
        _documents = documents;
        _analyzer = analyzer;
        _similarity = new Bm25Similarity(options);
    }

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
                batch.EndChunk(chunk.Id, chunk.DocumentId);
            }
            var shard = _shards.GetOrAdd(group.Key, static _ => new Shard());
            shard.Lock.EnterWriteLock();
            try
            {
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
            shard.Index.DeleteDocument(documentId);
            shard.Index.CompactIfWorthwhile();
        }
        finally
        {
            shard.Lock.ExitWriteLock();
        }
        return Task.CompletedTask;
    }

    /// <summary>The best chunks, read back from the document store (a chunk deleted meanwhile is left out).</summary>
    public async Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, string query, int topK, CancellationToken cancellationToken)
    {
        var matches = Search(collection, query, topK, cancellationToken);
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
    public IReadOnlyList<LexicalMatch> Search(string collection, string query, int topK, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(query);
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
            var (normConstant, normPerTerm) = _similarity.LengthNormCoefficients(index.AverageLength);
            var terms = new List<Bm25MaxScore.QueryTerm>(queryTerms.Count);
            foreach (var (term, queryFrequency) in queryTerms)
            {
                if (!index.TryGetTerm(term, out var postings, out var documentFrequency)) continue;
                var weight = _similarity.QueryTermWeight(Bm25Similarity.Idf(index.LiveCount, documentFrequency), queryFrequency);
                terms.Add(new Bm25MaxScore.QueryTerm(postings, weight));
            }
            if (terms.Count == 0) return [];

            var top = Bm25MaxScore.Search(index, [.. terms], normConstant, normPerTerm, Math.Min(topK, index.LiveCount));
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

    private sealed class Shard
    {
        public readonly ReaderWriterLockSlim Lock = new(LockRecursionPolicy.NoRecursion);
        public readonly InvertedIndex Index = new();
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
        private readonly List<(string ChunkId, string DocumentId, int Start, int Count, int Length)> _chunks = [];

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

        public void EndChunk(string chunkId, string documentId)
        {
            var start = _termIds.Count;
            foreach (var id in _touched)
            {
                _termIds.Add(id);
                _frequencies.Add(_counts[id]);
                _counts[id] = 0;
            }
            _chunks.Add((chunkId, documentId, start, _touched.Count, _length));
            _touched.Clear();
            _length = 0;
        }

        public void AddTo(InvertedIndex index)
        {
            var termIdOf = new int[_terms.Count];
            for (var i = 0; i < termIdOf.Length; i++) termIdOf[i] = index.GetOrAddTerm(_terms[i]);
            var termIds = CollectionsMarshal.AsSpan(_termIds);
            var frequencies = CollectionsMarshal.AsSpan(_frequencies);
            foreach (var (chunkId, documentId, start, count, length) in _chunks)
                index.Add(chunkId, documentId, termIds.Slice(start, count), frequencies.Slice(start, count), length, termIdOf);
        }
    }
}
