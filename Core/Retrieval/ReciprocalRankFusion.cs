using RagLab.Core.Kernel;

namespace RagLab.Core.Retrieval;

/// <summary>
/// Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): a chunk's fused score is
/// Σ 1/(k + rank) over the rankings it appears in, with 1-based ranks. It uses only ranks, so BM25 and
/// cosine scores need no calibration. Chunks are identified by id; within one ranking only the first
/// occurrence of a chunk counts. Equal fused scores are ordered by chunk id.
/// </summary>
public static class ReciprocalRankFusion
{
    /// <summary>The k of the original paper, used by most hybrid search engines.</summary>
    public const int DefaultK = 60;

    /// <summary>Fuses rankings (each best first) into the best <paramref name="topK"/> hits.</summary>
    public static IReadOnlyList<RetrievalHit> Fuse(IReadOnlyList<IReadOnlyList<ScoredChunk>> rankings, int topK, int k = DefaultK)
    {
        ArgumentNullException.ThrowIfNull(rankings);
        return Fuse(rankings.Select(r => r.Select(s => s.Chunk)), topK, k);
    }

    /// <summary>Fuses rankings of hits (each best first, by list order) into the best <paramref name="topK"/> hits.</summary>
    public static IReadOnlyList<RetrievalHit> Fuse(IReadOnlyList<IReadOnlyList<RetrievalHit>> rankings, int topK, int k = DefaultK)
    {
        ArgumentNullException.ThrowIfNull(rankings);
        return Fuse(rankings.Select(r => r.Select(h => h.Chunk)), topK, k);
    }

    private static IReadOnlyList<RetrievalHit> Fuse(IEnumerable<IEnumerable<Chunk>> rankings, int topK, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(topK, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 0);
        var fused = new Dictionary<string, (Chunk Chunk, double Score)>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ranking in rankings)
        {
            seen.Clear();
            var rank = 0;
            foreach (var chunk in ranking)
            {
                rank++;
                if (!seen.Add(chunk.Id)) continue;
                var contribution = 1.0 / (k + rank);
                fused[chunk.Id] = fused.TryGetValue(chunk.Id, out var entry)
                    ? (entry.Chunk, entry.Score + contribution)
                    : (chunk, contribution);
            }
        }
        return fused.Values
            .OrderByDescending(e => e.Score)
            .ThenBy(e => e.Chunk.Id, StringComparer.Ordinal)
            .Take(topK)
            .Select((e, i) => new RetrievalHit(i + 1, e.Score, e.Chunk))
            .ToArray();
    }
}
