namespace RagLab.Core.FineTuning.Datasets;

/// <summary>What a dataset holds and what was left out while building it.</summary>
/// <param name="TrainExamples">Examples in the train split.</param>
/// <param name="ValidationExamples">Examples in the validation split.</param>
/// <param name="ChunksUsed">Source chunks questions were written from (generated datasets).</param>
/// <param name="DuplicatesDropped">Examples dropped because the same question (normalised) was already kept.</param>
/// <param name="ExcludedByEvalSets">Generated questions dropped because they repeat a question of an excluded eval set.</param>
/// <param name="EvalSourceChunksExcluded">Chunks never used as sources or distractors because an excluded eval set draws on them.</param>
/// <param name="GenerationFailures">Chunks for which the model gave no usable JSON.</param>
/// <param name="OracleShare">RAFT: share of examples whose context holds the oracle chunk (target: P).</param>
/// <param name="MeanDistractors">RAFT: mean number of distractor chunks per example.</param>
/// <param name="MeanPromptWords">Mean words of the non-assistant messages per example.</param>
/// <param name="MeanAnswerWords">Mean words of the assistant's target per example.</param>
public sealed record DatasetStatistics(
    int TrainExamples,
    int ValidationExamples,
    int ChunksUsed,
    int DuplicatesDropped,
    int ExcludedByEvalSets,
    int EvalSourceChunksExcluded,
    int GenerationFailures,
    double? OracleShare,
    double? MeanDistractors,
    double MeanPromptWords,
    double MeanAnswerWords)
{
    public int TotalExamples => TrainExamples + ValidationExamples;
}
