namespace RagLab.Core.Retrieval;

/// <summary>
/// Keeps the best K (slot, score) pairs seen, in a bounded min-heap whose root is the worst kept entry.
/// Equal scores are ordered by a caller-given key (the chunk id, ordinal), smaller first, so results are stable.
/// </summary>
internal sealed class TopKCollector
{
    private readonly int[] _slots;
    private readonly double[] _scores;
    private readonly Func<int, string> _tieKey;
    private int _count;

    public TopKCollector(int capacity, Func<int, string> tieKey)
    {
        _slots = new int[capacity];
        _scores = new double[capacity];
        _tieKey = tieKey;
    }

    public int Count => _count;

    /// <summary>Whether K entries are kept, so a candidate must beat <see cref="WorstScore"/> to enter.</summary>
    public bool IsFull => _count == _slots.Length;

    /// <summary>The score of the worst kept entry (meaningful once <see cref="IsFull"/>).</summary>
    public double WorstScore => _count == 0 ? double.NegativeInfinity : _scores[0];

    /// <summary>Offers a candidate; cheap when it cannot enter (score below the current worst).</summary>
    public void Offer(int slot, double score)
    {
        if (_slots.Length == 0) return;
        if (_count < _slots.Length)
        {
            _slots[_count] = slot;
            _scores[_count] = score;
            SiftUp(_count++);
            return;
        }
        if (score < _scores[0] || !IsBetter(slot, score, _slots[0], _scores[0])) return;
        _slots[0] = slot;
        _scores[0] = score;
        SiftDown(0);
    }

    /// <summary>The kept entries, best first.</summary>
    public (int Slot, double Score)[] ToSortedArray()
    {
        var result = new (int Slot, double Score)[_count];
        for (var i = 0; i < _count; i++) result[i] = (_slots[i], _scores[i]);
        Array.Sort(result, (x, y) => IsBetter(x.Slot, x.Score, y.Slot, y.Score) ? -1 : IsBetter(y.Slot, y.Score, x.Slot, x.Score) ? 1 : 0);
        return result;
    }

    private bool IsBetter(int slotA, double scoreA, int slotB, double scoreB) =>
        scoreA > scoreB || (scoreA == scoreB && string.CompareOrdinal(_tieKey(slotA), _tieKey(slotB)) < 0);

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            var parent = (i - 1) / 2;
            if (!IsBetter(_slots[parent], _scores[parent], _slots[i], _scores[i])) return;
            Swap(i, parent);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            var left = 2 * i + 1;
            if (left >= _count) return;
            var worst = left;
            var right = left + 1;
            if (right < _count && IsBetter(_slots[left], _scores[left], _slots[right], _scores[right])) worst = right;
            if (!IsBetter(_slots[i], _scores[i], _slots[worst], _scores[worst])) return;
            Swap(i, worst);
            i = worst;
        }
    }

    private void Swap(int a, int b)
    {
        (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
        (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
    }
}
