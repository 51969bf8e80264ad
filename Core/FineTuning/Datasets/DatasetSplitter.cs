namespace RagLab.Core.FineTuning.Datasets;

/// <summary>Drops duplicate questions and splits examples into train and validation.</summary>
public static class DatasetSplitter
{
    /// <summary>Keeps the first of examples that are identical (same roles and contents, in order).</summary>
    /// <returns>The kept examples, in order, and how many were dropped.</returns>
    public static (IReadOnlyList<TrainingExample> Kept, int Dropped) Deduplicate(IEnumerable<TrainingExample> examples)
    {
        var kept = new List<TrainingExample>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var dropped = 0;
        foreach (var example in examples)
        {
            if (seen.Add(DatasetExporter.Line(example, DatasetExportFormat.OpenAi))) kept.Add(example);
            else dropped++;
        }
        return (kept, dropped);
    }

    /// <summary>
    /// Splits by source chunk when examples know theirs, so questions about one passage never sit on both sides; otherwise by
    /// example. Deterministic for a seed. With two or more groups and a share above 0, validation gets at least one group and
    /// train keeps at least one.
    /// </summary>
    public static (IReadOnlyList<TrainingExample> Train, IReadOnlyList<TrainingExample> Validation) Split(IReadOnlyList<TrainingExample> examples, double validationShare, int seed)
    {
        var groups = examples
            .Select((example, index) => (example, key: example.Origin?.SourceChunkId ?? $"#{index}"))
            .GroupBy(p => p.key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Select(p => p.example).ToList())
            .ToArray();
        new Random(seed).Shuffle(groups);
        var wanted = groups.Length < 2 || validationShare <= 0 ? 0 : Math.Clamp((int)Math.Round(groups.Length * validationShare), 1, groups.Length - 1);
        return ([.. groups.Skip(wanted).SelectMany(g => g)], [.. groups.Take(wanted).SelectMany(g => g)]);
    }
}
