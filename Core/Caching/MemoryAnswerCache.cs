using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using RagLab.Core.Kernel;

namespace RagLab.Core.Caching;

/// <summary>
/// The embedded answer cache: <see cref="MemoryCache"/> with a size limit of <c>capacity</c> answers, so every get and set
/// is O(1) at any size; past the limit the cache compacts itself (least recently used first) in the background.
/// Invalidating a collection is O(1) too: it bumps the collection's epoch, and an answer stored under an older epoch is
/// never served again (it is dropped when next looked up, or compacted away as the least recently used).
/// </summary>
public sealed class MemoryAnswerCache : IAnswerCache, IDisposable
{
    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<string, long> _epochs = new(StringComparer.Ordinal);

    /// <param name="time">Kept for callers that pass one; entries do not expire by time.</param>
    public MemoryAnswerCache(TimeProvider time, int capacity = 10_000)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = capacity, CompactionPercentage = 0.1 });
    }

    /// <summary>Most answers held at once.</summary>
    public int Capacity { get; }

    /// <summary>Answers held now, including invalidated ones not yet dropped.</summary>
    public int Count => _cache.Count;

    public Task<AnswerResult?> GetAsync(AnswerCacheKey key, CancellationToken cancellationToken)
    {
        var id = key.ToKeyString();
        if (!_cache.TryGetValue(id, out Held? held) || held is null)
            return Task.FromResult<AnswerResult?>(null);
        if (held.Epoch != EpochOf(key.Collection))
        {
            _cache.Remove(id);
            return Task.FromResult<AnswerResult?>(null);
        }
        return Task.FromResult<AnswerResult?>(held.Answer);
    }

    public Task SetAsync(AnswerCacheKey key, AnswerResult answer, CancellationToken cancellationToken)
    {
        // Read before storing: an invalidation in between leaves this answer under the old epoch, never served.
        var epoch = EpochOf(key.Collection);
        _cache.Set(key.ToKeyString(), new Held(epoch, answer), new MemoryCacheEntryOptions { Size = 1 });
        return Task.CompletedTask;
    }

    public Task InvalidateCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        _epochs.AddOrUpdate(collection, 1, (_, epoch) => epoch + 1);
        return Task.CompletedTask;
    }

    public void Dispose() => _cache.Dispose();

    private long EpochOf(string collection) => _epochs.TryGetValue(collection, out var epoch) ? epoch : 0;

    private sealed record Held(long Epoch, AnswerResult Answer);
}
