using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;
using RagLab.Core.Generation;
using RagLab.Core.Kernel;

namespace RagLab.Core.Caching;

/// <summary>
/// The embedded answer cache: <see cref="MemoryCache"/> with a size limit of <c>capacity</c> answers, so every get and set
/// is O(1) at any size; past the limit the cache compacts itself (least recently used first) in the background.
/// A collection's answers share one expiration token, so invalidating a collection drops them all at once.
/// </summary>
public sealed class MemoryAnswerCache : IAnswerCache, IDisposable
{
    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _collections = new(StringComparer.Ordinal);

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

    /// <summary>Answers held now.</summary>
    public int Count => _cache.Count;

    public Task<AnswerResult?> GetAsync(AnswerCacheKey key, CancellationToken cancellationToken) =>
        Task.FromResult(_cache.TryGetValue(key.ToKeyString(), out AnswerResult? answer) ? answer : null);

    public Task SetAsync(AnswerCacheKey key, AnswerResult answer, CancellationToken cancellationToken)
    {
        var collection = _collections.GetOrAdd(key.Collection, _ => new CancellationTokenSource());
        using var entry = _cache.CreateEntry(key.ToKeyString());
        entry.Value = answer;
        entry.Size = 1;
        entry.AddExpirationToken(new CancellationChangeToken(collection.Token));
        return Task.CompletedTask;
    }

    public Task InvalidateCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        if (_collections.TryRemove(collection, out var tokens))
        {
            tokens.Cancel();
            tokens.Dispose();
        }
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _cache.Dispose();
        foreach (var tokens in _collections.Values) tokens.Dispose();
    }
}
