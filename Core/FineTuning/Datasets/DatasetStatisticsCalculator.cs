namespace RagLab.Core.FineTuning.Datasets;

/// <summary>Counts what a dataset holds (see <see cref="DatasetStatistics"/>).</summary>
public static class DatasetStatisticsCalculator
{
    public static DatasetStatistics Compute(IReadOnlyList<TrainingExample> train, IReadOnlyList<TrainingExample> validation,
        int chunksUsed = 0, int duplicatesDropped = 0, int excludedByEvalSets = 0, int evalSourceChunksExcluded = 0, int generationFailures = 0)
    {
        var all = train.Concat(validation).ToList();
        var raft = all.Where(e => e.Origin?.ContextChunkIds is not null).ToList();
        double? oracleShare = raft.Count == 0 ? null : raft.Count(e => e.Origin!.OracleIncluded) / (double)raft.Count;
        double? distractors = raft.Count == 0 ? null : raft.Average(e => e.Origin!.ContextChunkIds!.Count - (e.Origin.OracleIncluded ? 1 : 0));
        return new DatasetStatistics(train.Count, validation.Count, chunksUsed, duplicatesDropped, excludedByEvalSets, evalSourceChunksExcluded,
            generationFailures, oracleShare, distractors,
            all.Count == 0 ? 0 : all.Average(e => e.Messages.Where(m => m.Role != ChatTurn.Assistant || !ReferenceEquals(m, e.Messages[^1])).Sum(m => Words(m.Content))),
            all.Count == 0 ? 0 : all.Average(e => Words(e.Answer)));
    }

    private static int Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
