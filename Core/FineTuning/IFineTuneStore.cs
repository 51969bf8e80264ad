using RagLab.Core.FineTuning.Datasets;
using RagLab.Core.FineTuning.Registry;
using RagLab.Core.FineTuning.Training;
using RagLab.Core.Kernel;

namespace RagLab.Core.FineTuning;

/// <summary>Datasets, fine-tuning jobs with their events, and the per-collection version registry; durable across restarts.</summary>
public interface IFineTuneStore
{
    Task EnsureSchemaAsync(CancellationToken cancellationToken);

    // Datasets

    Task SaveDatasetAsync(TrainingDataset dataset, CancellationToken cancellationToken);

    /// <summary>Stores the examples (replacing any earlier ones) and marks the dataset ready with its statistics, in one transaction.</summary>
    Task CompleteDatasetAsync(string datasetId, IReadOnlyList<TrainingExample> train, IReadOnlyList<TrainingExample> validation, DatasetStatistics statistics, CancellationToken cancellationToken);

    Task FailDatasetAsync(string datasetId, string error, CancellationToken cancellationToken);

    Task<TrainingDataset?> GetDatasetAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>Newest first, optionally of one collection.</summary>
    Task<IReadOnlyList<TrainingDataset>> ListDatasetsAsync(string? collection, CancellationToken cancellationToken);

    /// <param name="limit">At most this many, in stored order; null for all.</param>
    Task<IReadOnlyList<TrainingExample>> GetExamplesAsync(string datasetId, DatasetSplit split, int? limit, CancellationToken cancellationToken);

    /// <exception cref="ValidationException">A fine-tuning job or version still uses the dataset.</exception>
    Task<bool> DeleteDatasetAsync(string datasetId, CancellationToken cancellationToken);

    // Jobs

    Task SaveJobAsync(FineTuneJob job, CancellationToken cancellationToken);

    Task<FineTuneJob?> GetJobAsync(string id, CancellationToken cancellationToken);

    /// <summary>Newest first, optionally of one collection.</summary>
    Task<IReadOnlyList<FineTuneJob>> ListJobsAsync(string? collection, CancellationToken cancellationToken);

    /// <summary>Marks the job to be cancelled; false when it does not exist or has finished.</summary>
    Task<bool> RequestCancelAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the job in its new status and appends the status event that says so, in one transaction: a reader never sees a
    /// status without its event, and a finished job's terminal event is its last one.
    /// </summary>
    Task<FineTuneEvent> TransitionJobAsync(FineTuneJob job, string message, CancellationToken cancellationToken);

    /// <summary>
    /// Appends an event and gives it the job's next sequence number; null (nothing stored) once the job has finished, so that a
    /// late message (e.g. from a model server's progress stream) never lands after the terminal event.
    /// </summary>
    Task<FineTuneEvent?> AddEventAsync(string jobId, FineTuneEventKind kind, string message, FineTuneStatus? status, TrainingMetric? metric, CancellationToken cancellationToken);

    /// <summary>The job's events after <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<FineTuneEvent>> GetEventsAsync(string jobId, long afterSequence, CancellationToken cancellationToken);

    // Versions

    /// <summary>The next version number of the collection (one above every number ever given, deleted versions included).</summary>
    Task<int> ReserveVersionNumberAsync(string collection, CancellationToken cancellationToken);

    /// <summary>Adds a version; with <paramref name="activate"/> it becomes the collection's only active one.</summary>
    Task AddVersionAsync(ModelVersion version, bool activate, CancellationToken cancellationToken);

    Task<ModelVersion?> GetVersionAsync(string id, CancellationToken cancellationToken);

    /// <summary>Newest first, optionally of one collection.</summary>
    Task<IReadOnlyList<ModelVersion>> ListVersionsAsync(string? collection, CancellationToken cancellationToken);

    Task<ModelVersion?> GetActiveVersionAsync(string collection, CancellationToken cancellationToken);

    /// <summary>Makes the version the collection's only active one; false when it does not exist.</summary>
    Task<bool> ActivateVersionAsync(string id, CancellationToken cancellationToken);

    Task SaveForgettingAsync(string versionId, ForgettingResult result, CancellationToken cancellationToken);

    Task<bool> DeleteVersionAsync(string id, CancellationToken cancellationToken);
}
