using System.Collections.Concurrent;

namespace RagLab.Core.Generation.LongContext;

/// <summary>
/// What each model's prompt cache on the server probably holds: the fixed prefix of the last request sent to it, and when. A model
/// server keeps the cache of the prompt it last processed (per slot), so any other prompt sent to the same model in between, from any
/// mode or the eval judge, means the next long-context question has to read its prefix again; so does a pause longer than the
/// keep-alive, after which the model is unloaded.
/// </summary>
public sealed class PromptPrefixTracker(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, (string? Prefix, DateTimeOffset At)> _last = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Whether <paramref name="model"/> still has <paramref name="prefix"/> cached (it was the last prompt sent to it, within
    /// <paramref name="keepLoaded"/>); records it as the model's last prompt either way, since it is about to be sent.
    /// </summary>
    public bool Claim(string model, string prefix, TimeSpan keepLoaded)
    {
        var now = _time.GetUtcNow();
        var warm = false;
        _last.AddOrUpdate(model, (prefix, now), (_, last) =>
        {
            warm = last.Prefix == prefix && now - last.At <= keepLoaded;
            return (prefix, now);
        });
        return warm;
    }

    /// <summary>Records a request sent to <paramref name="model"/>; <paramref name="prefix"/> null means a prompt without a tracked prefix.</summary>
    public void Sent(string model, string? prefix) => _last[model] = (prefix, _time.GetUtcNow());
}
