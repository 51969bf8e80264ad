using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using RagLab.Core.Ingestion;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval;

/// <summary>
/// The embedded keyword index: an in-process inverted index per collection, scored with Lucene's BM25
/// (<see cref="Bm25Similarity"/>) over terms from an <see cref="IAnalyzer"/> (by default <see cref="EnglishAnalyzer"/>).
/// Searches run concurrently; writes to a collection are exclusive. Analysis happens outside the lock.
/// The index lives in memory: callers rebuild it from stored chunks at start-up.
/// </summary>
public sealed class Bm25Index : ILexicalIndex
{
    private readonly IAnalyzer _analyzer;
    private readonly Bm25Similarity _similarity;
    private readonly ConcurrentDictionary<string, Shard> _shards = new(StringComparer.Ordinal);

    /// <summary>English analysis and Anserini's BM25 defaults (k1 = 0.9, b = 0.4).</summary>
    public Bm25Index() : this(EnglishAnalyzer.Instance, new Bm25Options())
    {
    }

    public Bm25Index(IAnalyzer analyzer, Bm25Options options)
    {
        ArgumentNullException.ThrowIfNull(analyzer);
        _analyzer = analyzer;
        _similarity = new Bm25Similarity(options);
    }

    public Task AddAsync(IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var counter = new TermCounter();
        foreach (var group in chunks.GroupBy(c => c.Collection, StringComparer.Ordinal))
        {
            var analyzed = new List<(Chunk Chunk, AnalyzedChunk Terms)>();
            foreach (var chunk in group)
            {
                cancellationToken.ThrowIfCancellationRequested();
                analyzed.Add((chunk, Analyze(chunk.Text, counter)));
            }
            var shard = _shards.GetOrAdd(group.Key, static _ => new Shard());
            shard.Lock.EnterWriteLock();
            try
            {
                foreach (var (chunk, terms) in analyzed)
                    shard.Index.Add(chunk, terms);
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

    public Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, string query, int topK, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Search(collection, query, topK));
    }

    /// <summary>The number of live chunks in a collection.</summary>
    public int Count(string collection)
    {
        if (!_shards.TryGetValue(collection, out var shard)) return 0;
        shard.Lock.EnterReadLock();
        try { return shard.Index.LiveCount; }
        finally { shard.Lock.ExitReadLock(); }
    }

    private IReadOnlyList<ScoredChunk> Search(string collection, string query, int topK)
    {
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
            var slotCount = index.SlotCount;
            var scores = ArrayPool<double>.Shared.Rent(slotCount);
            try
            {
                var span = scores.AsSpan(0, slotCount);
                span.Clear();
                var matched = false;
                foreach (var (term, queryFrequency) in queryTerms)
                {
                    if (!index.TryGetTerm(term, out var termId, out var documentFrequency)) continue;
                    var weight = _similarity.QueryTermWeight(Bm25Similarity.Idf(index.LiveCount, documentFrequency), queryFrequency);
                    index.AccumulateScores(termId, weight, normConstant, normPerTerm, span);
                    matched = true;
                }
                if (!matched) return [];

                var collector = new TopKCollector(Math.Min(topK, index.LiveCount), slot => index.ChunkAt(slot).Id);
                for (var slot = 0; slot < span.Length; slot++)
                {
                    if (span[slot] > 0) collector.Offer(slot, span[slot]);
                }
                var top = collector.ToSortedArray();
                var results = new ScoredChunk[top.Length];
                for (var i = 0; i < top.Length; i++)
                    results[i] = new ScoredChunk(index.ChunkAt(top[i].Slot), top[i].Score);
                return results;
            }
            finally
            {
                ArrayPool<double>.Shared.Return(scores);
            }
        }
        finally
        {
            shard.Lock.ExitReadLock();
        }
    }

    private AnalyzedChunk Analyze(string text, TermCounter counter)
    {
        counter.Reset();
        if (_analyzer is EnglishAnalyzer english)
        {
            // Span path: a term string is allocated only the first time it occurs in the chunk.
            english.Analyze(text.AsSpan(), counter, static (term, c) => c.Count(term));
        }
        else
        {
            foreach (var term in _analyzer.Analyze(text)) counter.Count(term);
        }
        return counter.ToAnalyzedChunk();
    }

    private sealed class Shard
    {
        public readonly ReaderWriterLockSlim Lock = new(LockRecursionPolicy.NoRecursion);
        public readonly InvertedIndex Index = new();
    }

    /// <summary>Counts term frequencies within one chunk; reused across the chunks of a batch.</summary>
    private sealed class TermCounter
    {
        private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private int _length;

        public TermCounter() => _lookup = _counts.GetAlternateLookup<ReadOnlySpan<char>>();

        public void Reset()
        {
            _counts.Clear();
            _length = 0;
        }

        public void Count(ReadOnlySpan<char> term)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_lookup, term, out _)++;
            _length++;
        }

        public AnalyzedChunk ToAnalyzedChunk()
        {
            var terms = new string[_counts.Count];
            var frequencies = new int[_counts.Count];
            var i = 0;
            foreach (var (term, count) in _counts)
            {
                terms[i] = term;
                frequencies[i] = count;
                i++;
            }
            return new AnalyzedChunk(terms, frequencies, _length);
        }
    }
}
