namespace RagLab.Contracts;

/// <summary>The body of <c>POST /api/datasets</c>: build a training dataset from a collection with the connected chat model.</summary>
/// <param name="Kind"><c>raft</c> (default; for the hybrid mode) or <c>closedBook</c> (for the finetuned mode).</param>
/// <param name="ExcludeEvalSets">Eval set ids whose questions and source chunks are kept out; null: every held-out set of the collection.</param>
public sealed record CreateDatasetRequest(
    string? Name,
    string? Collection = null,
    string? Kind = null,
    int? MaxChunks = null,
    int? QuestionsPerChunk = null,
    int? Distractors = null,
    double? OracleProbability = null,
    double? ValidationShare = null,
    IReadOnlyList<string>? ExcludeEvalSets = null,
    int? Seed = null);

/// <summary>What a dataset holds and what was left out while building it.</summary>
public sealed record DatasetStatisticsResponse(
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
    double MeanAnswerWords);

/// <summary>A training dataset, from <c>GET /api/datasets</c> and <c>GET /api/datasets/{id}</c>.</summary>
/// <param name="Kind"><c>closedBook</c>, <c>raft</c> or <c>upload</c>.</param>
/// <param name="Status"><c>building</c>, <c>ready</c> or <c>failed</c>.</param>
public sealed record DatasetResponse(
    string Id,
    string Name,
    string Collection,
    string Kind,
    string Status,
    DateTimeOffset CreatedAt,
    DatasetStatisticsResponse? Statistics,
    IReadOnlyList<string> ExcludedEvalSets,
    string? JobId = null,
    string? Error = null);

/// <summary>One chat message of a training example.</summary>
public sealed record DatasetMessage(string Role, string Content);

/// <summary>A dataset with its first examples of each split, from <c>GET /api/datasets/{id}</c>.</summary>
public sealed record DatasetDetails(DatasetResponse Dataset, IReadOnlyList<IReadOnlyList<DatasetMessage>> TrainPreview, IReadOnlyList<IReadOnlyList<DatasetMessage>> ValidationPreview);

/// <summary>A bad line of a JSON Lines upload, a dataset or an eval set (HTTP 400 problem, <c>errors</c> extension: every bad line).</summary>
public sealed record DatasetLineError(int Line, string Message);
