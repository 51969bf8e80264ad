using Microsoft.Extensions.DependencyInjection;
using RagLab.Core.FineTuning.Datasets;
using RagLab.Core.FineTuning.Modes;
using RagLab.Core.FineTuning.Training;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.FineTuning;

namespace RagLab.Infrastructure.Tests.FineTuning;

/// <summary>
/// The fine-tuning lifecycle the Worker drives, run against each back-end's in-test server (the local LoRA trainer with Ollama,
/// and the OpenAI fine-tuning API): dataset, training with its losses, registration, the forgetting probe, the modes, cancel,
/// failure and deletion. What only one back-end does (blob pushes, digests) is in <see cref="LocalTrainerLifecycleTests"/>.
/// </summary>
public sealed class FineTuningLifecycleTests
{
    public static TheoryData<string> Backends => TrainerUnderTest.Backends;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_dataset_trains_registers_and_answers_in_finetuned_and_hybrid_modes(string backend)
    {
        await using var rig = await TrainingRig.StartAsync(backend);
        var (lab, trainer) = (rig.Lab, rig.Trainer);
        var health = await lab.Host.Services.GetServices<ITrainerBackend>().Single(b => b.Name == backend).GetHealthAsync(CancellationToken.None);
        Assert.True(health.Reachable, health.Error);
        var dataset = await lab.BuildDatasetAsync();

        var job = await lab.FineTuneAsync(dataset.Id);

        Assert.True(job.Status == FineTuneStatus.Succeeded, job.Error);
        Assert.Equal(backend, job.Backend);

        // What the trainer received: its own names for model and settings, and the dataset as chat JSONL.
        trainer.AssertReceivedSettings(job);
        var (train, validation) = trainer.Received;
        var trainLines = train.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(dataset.Statistics!.TrainExamples, trainLines.Length);
        Assert.All(trainLines, line => Assert.NotNull(ChatJsonlReader.Parse(line, out _)));
        Assert.Equal(dataset.Statistics.ValidationExamples, validation.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // Lifecycle and losses, in order.
        var events = await lab.Store.GetEventsAsync(job.Id, 0, CancellationToken.None);
        Assert.Equal([FineTuneStatus.Validating, FineTuneStatus.Queued, FineTuneStatus.Running, FineTuneStatus.Registering, FineTuneStatus.Succeeded],
            events.Where(e => e.Status is not null).Select(e => e.Status!.Value).Distinct());
        Assert.Equal([1, 2, 3], events.Where(e => e.Metric is not null).Select(e => e.Metric!.Step));
        Assert.Equal([2.0, 1.0, 0.6667], events.Where(e => e.Metric is not null).Select(e => e.Metric!.TrainLoss!.Value));
        Assert.Equal((3, 3), (job.Step, job.TotalSteps));

        // Registered where it is served.
        trainer.AssertRegistered(job);
        Assert.True(trainer.Serves(job.ModelName!));

        // The registry: version 1, active, with its dataset, losses, time and cost.
        var version = Assert.Single(await lab.Store.ListVersionsAsync("default", CancellationToken.None));
        Assert.True(version.Active);
        Assert.Equal((1, job.ModelName, trainer.Provider, dataset.Id), (version.Number, version.ModelName, version.Provider, version.DatasetId));
        Assert.Equal(0.6667, version.FinalTrainLoss);
        Assert.Equal(0.7333, version.FinalValidLoss);
        Assert.Contains(trainer.CostBasis, version.Cost!.Basis);

        // The forgetting probe: the in-test base model answers all 20 general-knowledge questions, the version 15 of them.
        var forgetting = version.Forgetting!;
        Assert.Null(forgetting.Error);
        Assert.Equal((20, 100.0, 75.0, 25.0), (forgetting.Questions, forgetting.BaseAccuracy, forgetting.VersionAccuracy, forgetting.Drop));
        Assert.Contains("drop 25 points", events.Single(e => e.Message.StartsWith("Forgetting probe", StringComparison.Ordinal)).Message);
        Assert.Equal(20, trainer.ChatModelsAsked.Count(m => m == job.ModelName));

        // Both modes answer through the fine-tuned model, where it is served.
        var finetuned = await lab.AskAsync("How long is the refund window?", FineTunedAnswerMode.ModeName);
        Assert.Equal(job.ModelName, finetuned.Model);
        Assert.Empty(finetuned.Retrieved ?? []);
        var hybrid = await lab.AskAsync("How long is the refund window?", HybridAnswerMode.ModeName);
        Assert.Equal(job.ModelName, hybrid.Model);
        Assert.NotEmpty(hybrid.Retrieved!);
        Assert.Equal([job.ModelName, job.ModelName], trainer.ChatModelsAsked.TakeLast(2));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Cancelling_a_running_job_stops_the_trainer_and_registers_nothing(string backend)
    {
        await using var rig = await TrainingRig.StartAsync(backend);
        var lab = rig.Lab;
        rig.Trainer.HoldRunning = true;
        var dataset = await lab.BuildDatasetAsync();
        var job = await lab.Get<FineTuneService>().StartAsync(new FineTuneRequest(dataset.Id), CancellationToken.None);
        await lab.WaitForAsync(job.Id, j => j.Status == FineTuneStatus.Running);

        await lab.Get<FineTuneService>().CancelAsync(job.Id, CancellationToken.None);
        var done = await lab.WaitForAsync(job.Id, j => j.Status.IsFinished());

        Assert.Equal(FineTuneStatus.Cancelled, done.Status);
        Assert.True(rig.Trainer.CancelRequested);
        Assert.Empty(rig.Trainer.TrainedModels);
        Assert.Empty(await lab.Store.ListVersionsAsync("default", CancellationToken.None));
        await Assert.ThrowsAsync<ValidationException>(() => lab.Get<FineTuneService>().CancelAsync(job.Id, CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_trainer_failure_ends_the_job_failed_with_the_trainers_reason(string backend)
    {
        await using var rig = await TrainingRig.StartAsync(backend);
        rig.Trainer.FailWith("out of memory at step 2: reduce batchSize or maxSeqLength");
        var dataset = await rig.Lab.BuildDatasetAsync();

        var job = await rig.Lab.FineTuneAsync(dataset.Id);

        Assert.Equal(FineTuneStatus.Failed, job.Status);
        Assert.Contains("out of memory at step 2", job.Error);
        Assert.StartsWith("Failed while training", (await rig.Lab.Store.GetEventsAsync(job.Id, 0, CancellationToken.None)).Last().Message);
        Assert.Empty(rig.Trainer.TrainedModels);
        Assert.Empty(await rig.Lab.Store.ListVersionsAsync("default", CancellationToken.None));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Deleting_a_version_deletes_its_model_where_it_is_served_without_needing_the_trainer(string backend)
    {
        await using var rig = await TrainingRig.StartAsync(backend);
        var job = await rig.Lab.FineTuneAsync((await rig.Lab.BuildDatasetAsync()).Id);
        Assert.True(rig.Trainer.Serves(job.ModelName!));

        // Only what reaches the model's server: for an Ollama version that is no trainer at all (no RagLab:FineTuning:Trainer:Endpoint).
        await rig.RestartAsync(rig.Trainer.ServingConfiguration);
        Assert.DoesNotContain(rig.Lab.Host.Services.GetServices<ITrainerBackend>(), b => b.Name == LocalTrainerBackend.BackendName);
        var version = Assert.Single(await rig.Lab.Store.ListVersionsAsync("default", CancellationToken.None));
        await rig.Lab.Get<FineTuneService>().DeleteVersionAsync(version.Id, CancellationToken.None);

        Assert.False(rig.Trainer.Serves(job.ModelName!));
        Assert.Empty(await rig.Lab.Store.ListVersionsAsync("default", CancellationToken.None));
        var refused = await Assert.ThrowsAsync<DependencyUnavailableException>(() => rig.Lab.AskAsync("Refunds?", FineTunedAnswerMode.ModeName));
        Assert.Contains("POST /api/finetunes", refused.Message);
    }
}
