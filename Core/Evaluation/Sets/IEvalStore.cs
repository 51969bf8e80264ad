using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Sets;

/// <summary>Eval sets, their items, runs and per-question results. The implementation (SQLite or Postgres) is <c>SqlEvalStore</c>.</summary>
public interface IEvalStore
{
    Task EnsureSchemaAsync(CancellationToken cancellationToken);

    /// <summary>Stores a set. Importing a name that exists adds a new version (n+1); earlier versions stay.</summary>
    /// <exception cref="ValidationException">No items, repeated item ids, or a bad collection name.</exception>
    Task<EvalSet> ImportAsync(EvalSetDraft draft, CancellationToken cancellationToken);

    Task<EvalSet?> GetSetAsync(string setId, CancellationToken cancellationToken);

    /// <summary>All versions of all sets (optionally of one collection), newest first.</summary>
    Task<IReadOnlyList<EvalSet>> ListSetsAsync(string? collection, CancellationToken cancellationToken);

    Task<IReadOnlyList<EvalItem>> GetItemsAsync(string setId, CancellationToken cancellationToken);

    /// <summary>Deletes the set with its items, runs and results. False if it did not exist.</summary>
    Task<bool> DeleteSetAsync(string setId, CancellationToken cancellationToken);

    /// <summary>The set's questions (trimmed, compared case-insensitively), so training data can exclude them.</summary>
    Task<IReadOnlySet<string>> GetQuestionsAsync(string setId, CancellationToken cancellationToken);

    /// <summary>The questions of every set marked held out from training (optionally of one collection).</summary>
    Task<IReadOnlySet<string>> GetHeldOutQuestionsAsync(string? collection, CancellationToken cancellationToken);

    /// <exception cref="NotFoundException">The set does not exist.</exception>
    Task<EvalRun> CreateRunAsync(EvalRunRequest request, CancellationToken cancellationToken);

    Task<EvalRun?> GetRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Runs, newest first, optionally of one set.</summary>
    Task<IReadOnlyList<EvalRun>> ListRunsAsync(string? setId, CancellationToken cancellationToken);

    Task UpdateRunAsync(string runId, EvalRunStatus status, string? error, EvalRunSummary? summary, CancellationToken cancellationToken);

    /// <summary>Deletes the run with its results. False if it did not exist.</summary>
    Task<bool> DeleteRunAsync(string runId, CancellationToken cancellationToken);

    Task SetRunJobAsync(string runId, string jobId, CancellationToken cancellationToken);

    /// <summary>Saves one answer record; saving the same (item, mode, retriever) again replaces it.</summary>
    Task SaveAnswerAsync(string runId, EvalAnswerRecord record, CancellationToken cancellationToken);

    Task SaveRetrievalAsync(string runId, EvalRetrievalRecord record, CancellationToken cancellationToken);

    Task<IReadOnlyList<EvalAnswerRecord>> GetAnswersAsync(string runId, CancellationToken cancellationToken);

    Task<IReadOnlyList<EvalRetrievalRecord>> GetRetrievalsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Keeps the report of a freshness probe job, so it can be read once the job has finished.</summary>
    Task SaveFreshnessReportAsync(string jobId, FreshnessReport report, CancellationToken cancellationToken);

    /// <returns>The report, or null while the probe has not finished (or never existed).</returns>
    Task<FreshnessReport?> GetFreshnessReportAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Remembers which set a generation job created (job messages are cleared when a job completes).</summary>
    Task SaveGeneratedSetAsync(string jobId, string setId, CancellationToken cancellationToken);

    /// <returns>The id of the set the generation job created, or null while it has not finished (or never existed).</returns>
    Task<string?> GetGeneratedSetIdAsync(string jobId, CancellationToken cancellationToken);
}
