namespace RagLab.Core.Caching;

/// <summary>How much the in-process caches may hold. Bound from <see cref="SectionName"/>; Redis, when connected, has its own limits.</summary>
public sealed class CacheCapacityOptions
{
    public const string SectionName = "RagLab:Cache";

    /// <summary>Most answers <see cref="MemoryAnswerCache"/> holds; past it the least recently used go first.</summary>
    public int MaxAnswers { get; set; } = 10_000;

    /// <summary>Most query and chunk vectors <see cref="MemoryEmbeddingCache"/> holds; past it the least recently used go first.</summary>
    public int MaxEmbeddings { get; set; } = 10_000;

    /// <summary>Refuses a limit below one, naming the setting.</summary>
    /// <exception cref="ArgumentException">A limit is below one.</exception>
    public CacheCapacityOptions Validate()
    {
        if (MaxAnswers < 1)
            throw new ArgumentException($"{SectionName}:{nameof(MaxAnswers)} is {MaxAnswers}; it must be at least 1.");
        if (MaxEmbeddings < 1)
            throw new ArgumentException($"{SectionName}:{nameof(MaxEmbeddings)} is {MaxEmbeddings}; it must be at least 1.");
        return this;
    }
}
