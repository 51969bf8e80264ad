using System.Runtime.InteropServices;
using RagLab.Core.Retrieval;
using RagLab.Core.Retrieval.Analysis;

namespace RagLab.Core.Tests.Retrieval;

/// <summary>
/// The term-at-a-time BM25 that <see cref="Bm25Index"/> ran before document-at-a-time MaxScore, kept only as the
/// reference the index must equal (ids, order and scores): every query term adds
/// weight · tf / (tf + normConstant + normPerTerm · dl) into one score slot per chunk, in query-term order, then every
/// slot is scanned; ties go to the smaller chunk id. Built over the live chunks only. Also linked into the benchmark.
/// </summary>
internal sealed class ReferenceBm25
{
    private readonly IAnalyzer _analyzer;
    private readonly Bm25Similarity _similarity;
    private readonly Dictionary<string, List<(int Slot, int Tf)>> _postings = new(StringComparer.Ordinal);
    private readonly List<string> _ids = [];
    private readonly List<int> _lengths = [];
    private long _totalLength;

    public ReferenceBm25(IAnalyzer analyzer, Bm25Options options, IEnumerable<(string Id, string Text)> chunks)
    {
        _analyzer = analyzer;
        _similarity = new Bm25Similarity(options);
        foreach (var (id, text) in chunks)
        {
            var slot = _ids.Count;
            var terms = analyzer.Analyze(text);
            foreach (var group in terms.GroupBy(t => t, StringComparer.Ordinal))
            {
                if (!_postings.TryGetValue(group.Key, out var list)) _postings[group.Key] = list = [];
                list.Add((slot, group.Count()));
            }
            _ids.Add(id);
            _lengths.Add(terms.Count);
            _totalLength += terms.Count;
        }
    }

    public IReadOnlyList<(string Id, double Score)> Search(string query, int topK)
    {
        var queryTerms = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in _analyzer.Analyze(query))
            CollectionsMarshal.GetValueRefOrAddDefault(queryTerms, term, out _)++;
        var count = _ids.Count;
        if (count == 0) return [];
        var (normConstant, normPerTerm) = _similarity.LengthNormCoefficients((double)_totalLength / count);
        var scores = new double[count];
        foreach (var (term, queryFrequency) in queryTerms)
        {
            if (!_postings.TryGetValue(term, out var postings)) continue;
            var weight = _similarity.QueryTermWeight(Bm25Similarity.Idf(count, postings.Count), queryFrequency);
            foreach (var (slot, frequency) in postings)
            {
                double tf = frequency;
                scores[slot] += weight * tf / (tf + normConstant + normPerTerm * _lengths[slot]);
            }
        }
        return Enumerable.Range(0, count).Where(s => scores[s] > 0)
            .OrderByDescending(s => scores[s]).ThenBy(s => _ids[s], StringComparer.Ordinal)
            .Take(topK).Select(s => (_ids[s], scores[s])).ToList();
    }
}
