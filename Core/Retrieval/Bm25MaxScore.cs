namespace RagLab.Core.Retrieval;

/// <summary>
/// Document-at-a-time BM25 with MaxScore pruning (Turtle and Flood, 1995): terms are ordered by their score upper
/// bound; once the top K is full, the low-bound terms whose bounds together cannot lift a chunk past the K-th score
/// are only probed (with block skipping) for chunks the other terms found. Cost follows the postings read, not the
/// collection size.
/// Exact: a chunk's score is summed term by term in query order, as the term-at-a-time loop did, and a chunk is
/// pruned only when its bound is below the K-th score by a margin far above rounding error; ties go to the smaller id.
/// A reader's view (a per-access-class <c>readable</c> table) is applied before a chunk is scored: a chunk the reader may not
/// read is stepped over like a deleted one, so the top K is the top K of the readable chunks, and the K-th score that prunes
/// is a readable chunk's. Term bounds stay those of all postings: higher than needed for a narrow view, never too low.
/// </summary>
internal static class Bm25MaxScore
{
    // A chunk is skipped only if even its upper bound is below (1 − margin) × the K-th score, so rounding in the
    // bounds (summed in another order than the scores) can never prune a chunk that belongs in the top K.
    private const double PruneMargin = 1e-9;

    /// <summary>One query term: its postings and its weight idf·(k1+1)·(count in the query).</summary>
    public readonly record struct QueryTerm(PostingList Postings, double Weight);

    /// <param name="readable">Per access class whether the reader may read it; null: everything is readable.</param>
    public static (int Slot, double Score)[] Search(InvertedIndex index, QueryTerm[] terms, double normConstant, double normPerTerm, int topK, bool[]? readable = null)
    {
        var (chunkIds, lengths, access) = index.SlotArrays;
        var count = terms.Length;
        var cursors = new PostingCursor[count];
        var bounds = new double[count];
        for (var t = 0; t < count; t++)
        {
            cursors[t] = new PostingCursor(terms[t].Postings);
            bounds[t] = UpperBound(terms[t], normConstant, normPerTerm);
        }
        // order[k]: the term with the k-th smallest bound; boundBelow[k]: the sum of the k smallest bounds.
        var order = Enumerable.Range(0, count).ToArray();
        Array.Sort(order, (x, y) => bounds[x].CompareTo(bounds[y]));
        var boundBelow = new double[count + 1];
        for (var k = 0; k < count; k++) boundBelow[k + 1] = boundBelow[k] + bounds[order[k]];

        var collector = new TopKCollector(topK, slot => chunkIds[slot]!);
        var contributions = new double[count];
        var threshold = 0.0; // (1 − margin) × the K-th score once the top K is full
        var firstEssential = 0;

        while (firstEssential < count)
        {
            var candidate = PostingCursor.Exhausted;
            for (var k = firstEssential; k < count; k++)
            {
                var slot = cursors[order[k]].Slot;
                if (slot < candidate) candidate = slot;
            }
            if (candidate == PostingCursor.Exhausted) break;
            if (readable is not null && !readable[access[candidate]])
            {
                // Not the reader's: never scored. Step the essential cursors past it; the others skip it on their next advance.
                for (var k = firstEssential; k < count; k++)
                {
                    ref var cursor = ref cursors[order[k]];
                    if (cursor.Slot == candidate) cursor.Next();
                }
                continue;
            }

            var length = lengths[candidate];
            var partial = 0.0;
            for (var k = firstEssential; k < count; k++)
            {
                var t = order[k];
                ref var cursor = ref cursors[t];
                if (cursor.Slot == candidate)
                {
                    var score = TermScore(terms[t].Weight, cursor.TermFrequency, normConstant, normPerTerm, length);
                    contributions[t] = score;
                    partial += score;
                    cursor.Next();
                }
                else
                {
                    contributions[t] = 0;
                }
            }
            if (chunkIds[candidate] is null) continue; // a deleted chunk's postings linger until compaction

            var competitive = true;
            for (var k = firstEssential - 1; k >= 0; k--)
            {
                if (partial + boundBelow[k + 1] < threshold)
                {
                    competitive = false;
                    break;
                }
                var t = order[k];
                ref var cursor = ref cursors[t];
                cursor.Advance(candidate);
                if (cursor.Slot == candidate)
                {
                    var score = TermScore(terms[t].Weight, cursor.TermFrequency, normConstant, normPerTerm, length);
                    contributions[t] = score;
                    partial += score;
                }
                else
                {
                    contributions[t] = 0;
                }
            }
            if (!competitive) continue;

            // The reported score: summed in query-term order, exactly as the term-at-a-time loop summed it.
            var total = 0.0;
            for (var t = 0; t < count; t++)
            {
                if (contributions[t] != 0) total += contributions[t];
            }
            if (!(total > 0)) continue;
            collector.Offer(candidate, total);
            if (collector.IsFull)
            {
                threshold = collector.WorstScore * (1 - PruneMargin);
                while (firstEssential < count && boundBelow[firstEssential + 1] < threshold) firstEssential++;
            }
        }
        return collector.ToSortedArray();
    }

    /// <summary>weight · tf / (tf + k1·(1 − b) + k1·b·dl/avgdl): the same expression, in the same order, as before.</summary>
    private static double TermScore(double weight, int termFrequency, double normConstant, double normPerTerm, int length)
    {
        double tf = termFrequency;
        return weight * tf / (tf + normConstant + normPerTerm * length);
    }

    // The score grows with tf and shrinks with length, so each block's largest tf and shortest chunk bound it.
    private static double UpperBound(QueryTerm term, double normConstant, double normPerTerm)
    {
        var postings = term.Postings;
        var best = 0.0;
        for (var block = 0; block < postings.BlockCount; block++)
        {
            var bound = TermScore(term.Weight, postings.BlockMaxTf(block), normConstant, normPerTerm, postings.BlockMinLength(block));
            if (bound > best) best = bound;
        }
        return best;
    }
}
