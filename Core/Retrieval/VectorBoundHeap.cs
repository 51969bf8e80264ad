namespace RagLab.Core.Retrieval;

/// <summary>
/// The K largest lower bounds seen by the compressed scan, in a min-heap of doubles whose root is the K-th largest.
/// At least K rows score at or above that root exactly, so no row whose upper bound is below it can enter the top K.
/// </summary>
internal sealed class VectorBoundHeap(int capacity)
{
    private readonly double[] _values = new double[capacity];
    private int _count;

    /// <summary>The K-th largest bound offered so far, or −∞ while fewer than K were offered.</summary>
    public double Threshold => _count == _values.Length && _count > 0 ? _values[0] : double.NegativeInfinity;

    public void Offer(double value)
    {
        if (_count < _values.Length)
        {
            var i = _count++;
            while (i > 0)
            {
                var parent = (i - 1) / 2;
                if (_values[parent] <= value) break;
                _values[i] = _values[parent];
                i = parent;
            }
            _values[i] = value;
            return;
        }
        if (_count == 0 || value <= _values[0]) return;
        SiftDownFromRoot(value);
    }

    private void SiftDownFromRoot(double value)
    {
        var i = 0;
        while (true)
        {
            var child = 2 * i + 1;
            if (child >= _count) break;
            if (child + 1 < _count && _values[child + 1] < _values[child]) child++;
            if (value <= _values[child]) break;
            _values[i] = _values[child];
            i = child;
        }
        _values[i] = value;
    }
}
