using System.Collections.Concurrent;
using RagLab.Core.Generation;
using RagLab.Core.Kernel;

namespace RagLab.Core.Caching;

/// <summary>The embedded answer cache: a bounded in-process map. When full, the oldest entries go first.</summary>
public sealed class MemoryAnswerCache(TimeProvider time, int capacity = 10_000) : IAnswerCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new();

    private sealed record Entry(string Collection, AnswerResult Answer, DateTimeOffset StoredAt);

    public Task<AnswerResult?> GetAsync(AnswerCacheKey key, CancellationToken cancellationToken) =>
        Task.FromResult(_entries.TryGetValue(key.ToKeyString(), out var entry) ? entry.Answer : null);

    public Task SetAsync(AnswerCacheKey key, AnswerResult answer, CancellationToken cancellationToken)
    {
        _entries[key.ToKeyString()] = new Entry(key.Collection, answer, time.GetUtcNow());
        if (_entries.Count > capacity)
        {
            foreach (var oldest in _entries.OrderBy(e => e.Value.StoredAt).Take(_entries.Count - capacity).ToList())
                _entries.TryRemove(oldest.Key, out _);
        }
        return Task.CompletedTask;
    }

    public Task InvalidateCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        foreach (var entry in _entries.Where(e => e.Value.Collection == collection).ToList())
            _entries.TryRemove(entry.Key, out _);
        return Task.CompletedTask;
    }
}
