using RagLab.Core.Jobs;

namespace RagLab.Core.FineTuning.Datasets;

/// <summary>Runs <see cref="RaftDatasetBuilder"/> as a <c>dataset-build</c> job and stores the result in the dataset record the job names.</summary>
public sealed class DatasetBuildJobHandler(RaftDatasetBuilder builder, IFineTuneStore store) : IJobHandler
{
    public const string JobKind = "dataset-build";

    public string Kind => JobKind;

    public async Task RunAsync(JobRecord job, IJobProgress progress, CancellationToken cancellationToken)
    {
        var request = JobPayloads.Read<DatasetBuildRequest>(job);
        var built = await builder.BuildAsync(request, progress, cancellationToken);
        var dataset = await store.GetDatasetAsync(request.DatasetId, cancellationToken);
        if (dataset is not null && !built.ExcludedEvalSets.SequenceEqual(dataset.ExcludedEvalSets))
            await store.SaveDatasetAsync(dataset with { ExcludedEvalSets = built.ExcludedEvalSets }, cancellationToken);
        await store.CompleteDatasetAsync(request.DatasetId, built.Train, built.Validation, built.Statistics, cancellationToken);
    }

    public Task OnFailedAsync(JobRecord job, string error, CancellationToken cancellationToken) =>
        store.FailDatasetAsync(JobPayloads.Read<DatasetBuildRequest>(job).DatasetId, error, cancellationToken);
}
