using RagLab.Core.Kernel;
namespace RagLab.Core.Caching;

/// <summary>
/// An in-process embedding cache holding at most <c>capacity</c> vectors (<see cref="CacheCapacityOptions.MaxEmbeddings"/>),
/// evicting the least recently used. Every get and set is O(1) at any size: a dictionary plus a recency list, under one short lock.
/// </summary>
public sealed class MemoryEmbeddingCache : IEmbeddingCache
{
    private readonly int capacity;
    private readonly Lock gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, float[] Vector)>> entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, float[] Vector)> recency = new();

    public MemoryEmbeddingCache(int capacity = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        this.capacity = capacity;
    }

    /// <summary>Most vectors held at once.</summary>
    public int Capacity => capacity;

    public int Count
    {
        get { lock (gate) return entries.Count; }
    }

    public Task<float[]?> GetAsync(string model, string text, CancellationToken cancellationToken)
    {
        var key = KeyFor(model, text);
        lock (gate)
        {
            if (!entries.TryGetValue(key, out var node)) return Task.FromResult<float[]?>(null);
            recency.Remove(node);
            recency.AddFirst(node);
            return Task.FromResult<float[]?>((float[])node.Value.Vector.Clone());
        }
    }

    public Task SetAsync(string model, string text, float[] vector, CancellationToken cancellationToken)
    {
        var key = KeyFor(model, text);
        var copy = (float[])vector.Clone(); // callers may reuse their arrays
        lock (gate)
        {
            if (entries.Remove(key, out var existing)) recency.Remove(existing);
            entries[key] = recency.AddFirst((key, copy));
            while (entries.Count > capacity)
            {
                var oldest = recency.Last!;
                recency.RemoveLast();
                entries.Remove(oldest.Value.Key);
            }
        }
        return Task.CompletedTask;
    }

    private static string KeyFor(string model, string text) => $"{model}\u001f{EmbeddingCacheKey.HashText(text)}";
}
