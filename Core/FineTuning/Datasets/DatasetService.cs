using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Core.FineTuning.Datasets;

/// <summary>Starts dataset builds (as jobs) and stores uploads; everything a user can get wrong is refused before anything is stored.</summary>
public sealed class DatasetService(IFineTuneStore store, IJobStore jobs, IJobQueue queue, IModelProvider models, TimeProvider time)
{
    /// <summary>Creates the dataset record (status building) and queues the job that fills it.</summary>
    /// <exception cref="ValidationException">Bad request values.</exception>
    /// <exception cref="DependencyUnavailableException">No chat model is connected to write the questions.</exception>
    public async Task<TrainingDataset> StartBuildAsync(DatasetBuildRequest request, CancellationToken cancellationToken)
    {
        request.Validate();
        if (await models.GetChatClientAsync(cancellationToken) is null)
            throw new DependencyUnavailableException(RaftDatasetBuilder.NoModelMessage);
        var id = NewId();
        request = request with { DatasetId = id, Collection = CollectionName.Normalize(request.Collection), Name = request.Name.Trim() };
        var dataset = new TrainingDataset(id, request.Name, request.Collection!, request.Type, DatasetStatus.Building, time.GetUtcNow(), null,
            JobPayloads.Serialize(request), request.ExcludeEvalSets ?? []);
        await store.SaveDatasetAsync(dataset, cancellationToken);
        var job = await jobs.CreateAsync(request, cancellationToken);
        dataset = dataset with { JobId = job.Id };
        await store.SaveDatasetAsync(dataset, cancellationToken);
        // Refused by the queue: nothing will ever fill this dataset.
        await queue.EnqueueOrFailAsync(jobs, job, cancellationToken, ex => store.FailDatasetAsync(id, ex.Message, CancellationToken.None));
        return dataset;
    }

    /// <summary>Stores a chat JSONL upload: every line checked, exact duplicates dropped, split into train and validation.</summary>
    /// <exception cref="JsonlUploadException">Bad lines, each named by its line number; nothing is stored.</exception>
    public async Task<TrainingDataset> UploadAsync(string name, string? collection, string fileName, Stream content, double validationShare, int seed, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ValidationException("Give the dataset a name (form field 'name').");
        if (validationShare is < 0 or >= 1) throw new ValidationException($"validationShare must be at least 0 and below 1 (got {validationShare}).");
        var normalized = CollectionName.Normalize(collection);
        var examples = await ChatJsonlReader.ReadAsync(content, cancellationToken);
        var (kept, duplicates) = DatasetSplitter.Deduplicate(examples);
        var (train, validation) = DatasetSplitter.Split(kept, validationShare, seed);
        var statistics = DatasetStatisticsCalculator.Compute(train, validation, duplicatesDropped: duplicates);
        var dataset = new TrainingDataset(NewId(), name.Trim(), normalized, DatasetKind.Upload, DatasetStatus.Building, time.GetUtcNow(), null,
            System.Text.Json.JsonSerializer.Serialize(new { fileName, validationShare, seed }), []);
        await store.SaveDatasetAsync(dataset, cancellationToken);
        await store.CompleteDatasetAsync(dataset.Id, train, validation, statistics, cancellationToken);
        return (await store.GetDatasetAsync(dataset.Id, cancellationToken))!;
    }

    private static string NewId() => "ds_" + Guid.NewGuid().ToString("n")[..16];
}
