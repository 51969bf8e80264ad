using System.Text.Json;
using RagLab.Contracts;
using RagLab.Core.FineTuning.Datasets;
using RagLab.Core.FineTuning.Registry;
using RagLab.Core.FineTuning.Training;

namespace RagLab.Api.Apis;

/// <summary>Core's fine-tuning records to and from the wire types of RagLab.Contracts.</summary>
internal static class FineTuneMappings
{
    private static string Camel(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);

    public static DatasetResponse ToContract(this TrainingDataset d) =>
        new(d.Id, d.Name, d.Collection, Camel(d.Kind.ToString()), Camel(d.Status.ToString()), d.CreatedAt, d.Statistics?.ToContract(), d.ExcludedEvalSets, d.JobId, d.Error);

    public static DatasetStatisticsResponse ToContract(this DatasetStatistics s) =>
        new(s.TrainExamples, s.ValidationExamples, s.ChunksUsed, s.DuplicatesDropped, s.ExcludedByEvalSets, s.EvalSourceChunksExcluded,
            s.GenerationFailures, s.OracleShare, s.MeanDistractors, Math.Round(s.MeanPromptWords, 1), Math.Round(s.MeanAnswerWords, 1));

    public static IReadOnlyList<DatasetMessage> ToContract(this TrainingExample e) => [.. e.Messages.Select(m => new DatasetMessage(m.Role, m.Content))];

    /// <exception cref="Core.Kernel.ValidationException">An unknown kind.</exception>
    public static DatasetKind ParseKind(string? kind) => kind?.Trim().ToLowerInvariant() switch
    {
        null or "" or "raft" => DatasetKind.Raft,
        "closedbook" or "closed-book" => DatasetKind.ClosedBook,
        _ => throw new Core.Kernel.ValidationException($"Unknown dataset kind '{kind}'. Use 'raft' (for the hybrid mode) or 'closedBook' (for the finetuned mode)."),
    };

    public static FineTuneHyperparameters ToDomain(this FineTuneHyperparametersRequest? h)
    {
        var d = new FineTuneHyperparameters();
        return h is null ? d : new(h.Rank ?? d.Rank, h.Alpha ?? d.Alpha, h.Dropout ?? d.Dropout, h.LearningRate ?? d.LearningRate, h.Epochs ?? d.Epochs,
            h.BatchSize ?? d.BatchSize, h.GradientAccumulation ?? d.GradientAccumulation, h.MaxSeqLength ?? d.MaxSeqLength);
    }

    public static FineTuneHyperparametersResponse ToContract(this FineTuneHyperparameters h) =>
        new(h.Rank, h.Alpha, h.Dropout, h.LearningRate, h.Epochs, h.BatchSize, h.GradientAccumulation, h.MaxSeqLength);

    public static FineTuneResponse ToContract(this FineTuneJob j) =>
        new(j.Id, j.Collection, j.DatasetId, j.Backend, j.BaseModel, j.TrainerModel, j.Hyperparameters.ToContract(), Camel(j.Status.ToString()),
            j.Step, j.TotalSteps, j.CreatedAt, j.UpdatedAt, j.StartedAt, j.FinishedAt, j.ModelName, j.Version, j.CancelRequested, j.Error);

    public static FineTuneEventResponse ToContract(this FineTuneEvent e) =>
        new(e.Sequence, e.At, Camel(e.Kind.ToString()), e.Message, e.Status is { } s ? Camel(s.ToString()) : null,
            e.Metric is { } m ? new TrainingMetricResponse(m.Step, m.Epoch, m.TrainLoss, m.ValidLoss, m.LearningRate) : null);

    public static ModelVersionResponse ToContract(this ModelVersion v) =>
        new(v.Id, v.Collection, v.Number, v.ModelName, v.Provider, v.FineTuneJobId, v.DatasetId, v.BaseModel, v.Hyperparameters.ToContract(),
            v.FinalTrainLoss, v.FinalValidLoss, v.TrainingSeconds, v.Cost is { } c ? new TrainingCostResponse(c.Usd, c.Basis) : null, v.CreatedAt, v.Active,
            v.Forgetting is { } f ? new ForgettingResponse(f.Questions, f.BaseAccuracy, f.VersionAccuracy, f.Drop, f.Error) : null);
}
