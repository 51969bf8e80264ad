namespace RagLab.Core.Evaluation.Runs;

/// <summary>Median, 95th percentile and mean of one phase, in milliseconds; null when the phase was never measured.</summary>
public sealed record LatencyStats(double P50, double P95, double Mean, int Samples);

public sealed record PhaseLatency(LatencyStats? Retrieval, LatencyStats? TimeToFirstToken, LatencyStats? Generation, LatencyStats Total);

/// <summary>How many answers fell in each <see cref="EvalOutcome"/>.</summary>
public sealed record FailureCounts(int Correct, int AbstainedCorrectly, int RetrievalMiss, int GenerationMiss, int NotApplicable);

/// <summary>Projected spend for a monthly query volume.</summary>
public sealed record MonthlyCost(long QueriesPerMonth, double Dollars);

/// <summary>What a query costs and what a month would cost, from <see cref="PriceSettings"/> and the measured latency or tokens.</summary>
/// <param name="Basis"><c>gpu-hour</c> or <c>tokens</c>.</param>
/// <param name="GpuAlwaysOnMonthlyDollars">For a GPU kept running all month (730 h), whatever the volume.</param>
public sealed record CostProjection(string Basis, double DollarsPerQuery, IReadOnlyList<MonthlyCost> Monthly, double? OneOffTrainingDollars, double? GpuAlwaysOnMonthlyDollars);

/// <summary>Means over the answers of one mode (optionally one retriever); a metric's mean skips answers where it is null.</summary>
/// <param name="Retriever">Null: all answers of the mode, whatever the retriever.</param>
/// <param name="Answered">Answers without an error.</param>
/// <param name="AbstentionAccuracy">Share of unanswerable questions it correctly declined.</param>
/// <param name="FalseAbstentionRate">Share of answerable questions it declined.</param>
/// <param name="Accuracy">Share of judgeable answers (a reference answer, or a question marked unanswerable) that were correct or
/// correctly abstained; null when no answer could be judged (e.g. a BEIR set, which has relevance labels but no answers).</param>
/// <param name="SearchesPerAnswer">The agent mode's mean number of searches per answer; null for modes that do not search while answering.</param>
/// <param name="PrefixCache">For a mode that reuses a cached prompt prefix (longcontext): time to first token when the prefix had to be
/// read versus when it could be reused.</param>
public sealed record ModeSummary(
    string Mode,
    string? Retriever,
    ModeRole Role,
    int Questions,
    int Answered,
    int Errors,
    double? ExactMatch,
    double? F1,
    double? RougeL,
    double? LexicalGroundedness,
    double? JudgeGroundedness,
    double? CitationPrecision,
    double? AbstentionAccuracy,
    double? FalseAbstentionRate,
    double? Accuracy,
    PhaseLatency Latency,
    double InputTokensPerQuery,
    double OutputTokensPerQuery,
    FailureCounts Failures,
    CostProjection? Cost,
    double? SearchesPerAnswer = null,
    PrefixCacheLatency? PrefixCache = null);

/// <summary>Time to first token of the questions that had to read a cached prefix (the first) versus those that reused it (the following).</summary>
public sealed record PrefixCacheLatency(LatencyStats? First, LatencyStats? Following);

/// <summary>Mean document-level retrieval scores of one retriever over the questions that have relevance labels.</summary>
public sealed record RetrieverSummary(string Retriever, int Questions, int Errors, IReadOnlyList<RetrievalAtK> Scores, LatencyStats? Latency);

/// <summary>Everything measured in a run, ready for the decision report.</summary>
/// <param name="Warnings">Things that weaken the evidence, e.g. a judge asked for but not connected.</param>
/// <param name="ReaderScope">Whose view was measured (<see cref="Kernel.ReaderScope.Key"/>: <c>*</c> for everything).</param>
/// <param name="RelevantDocumentsOutsideView">Relevance labels dropped because they name documents outside that view.</param>
/// <param name="QuestionsOutsideView">Questions not asked because every document labelled relevant for them is outside that view.</param>
/// <param name="Freshness">The freshness probe asked for this run once it had completed (<c>POST /api/evalruns/freshness</c> with its run id), if any.</param>
public sealed record EvalRunSummary(
    string RunId,
    string SetId,
    int Questions,
    int UnanswerableQuestions,
    int LabelledQuestions,
    IReadOnlyList<ModeSummary> Modes,
    IReadOnlyList<RetrieverSummary> Retrievers,
    IReadOnlyList<PublishedFigure> PublishedFigures,
    IReadOnlyList<string> Warnings,
    DateTimeOffset CompletedAt,
    string ReaderScope = "*",
    int RelevantDocumentsOutsideView = 0,
    int QuestionsOutsideView = 0,
    RunFreshness? Freshness = null);
