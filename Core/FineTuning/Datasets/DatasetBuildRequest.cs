using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Core.FineTuning.Datasets;

/// <summary>
/// What to generate from a collection's chunks with the connected chat model (the payload of a <c>dataset-build</c> job).
/// </summary>
/// <param name="DatasetId">The dataset record (status <c>building</c>) the job fills.</param>
/// <param name="Type"><see cref="DatasetKind.ClosedBook"/> or <see cref="DatasetKind.Raft"/>.</param>
/// <param name="MaxChunks">Source chunks sampled (deterministically for <paramref name="Seed"/>).</param>
/// <param name="QuestionsPerChunk">Questions asked per source chunk.</param>
/// <param name="Distractors">RAFT: k, the distractor chunks from other documents in each context.</param>
/// <param name="OracleProbability">RAFT: P, the share of examples whose context holds the oracle chunk.</param>
/// <param name="ValidationShare">Share of source chunks whose examples form the validation split.</param>
/// <param name="ExcludeEvalSets">Eval sets whose questions and source chunks are kept out; null: every held-out set of the collection.</param>
/// <param name="MinChunkWords">Chunks shorter than this are not used as sources.</param>
public sealed record DatasetBuildRequest(
    string DatasetId,
    string Name,
    string? Collection,
    DatasetKind Type = DatasetKind.Raft,
    int MaxChunks = 100,
    int QuestionsPerChunk = 2,
    int Distractors = 3,
    double OracleProbability = 0.8,
    double ValidationShare = 0.1,
    IReadOnlyList<string>? ExcludeEvalSets = null,
    int Seed = 42,
    int MinChunkWords = 20) : IJobPayload
{
    public static string Kind => DatasetBuildJobHandler.JobKind;

    /// <exception cref="ValidationException">A value out of range, with the accepted range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ValidationException("Give the dataset a name, e.g. {\"name\": \"support-raft\"}.");
        CollectionName.Normalize(Collection);
        if (Type is not (DatasetKind.ClosedBook or DatasetKind.Raft))
            throw new ValidationException("A generated dataset is of kind 'closedBook' (for the finetuned mode) or 'raft' (for hybrid); upload your own with POST /api/datasets/upload.");
        if (MaxChunks is < 1 or > 10_000) throw new ValidationException($"maxChunks must be between 1 and 10000 (got {MaxChunks}).");
        if (QuestionsPerChunk is < 1 or > 10) throw new ValidationException($"questionsPerChunk must be between 1 and 10 (got {QuestionsPerChunk}).");
        if (Distractors is < 0 or > 20) throw new ValidationException($"distractors must be between 0 and 20 (got {Distractors}).");
        if (OracleProbability is < 0 or > 1) throw new ValidationException($"oracleProbability must be between 0 and 1 (got {OracleProbability}).");
        if (ValidationShare is < 0 or >= 1) throw new ValidationException($"validationShare must be at least 0 and below 1 (got {ValidationShare}).");
        if (MinChunkWords < 0) throw new ValidationException("minChunkWords must not be negative.");
    }
}
