using System.Security.Cryptography;
using System.Text.Json;
using RagLab.Core.FineTuning.Datasets;
using RagLab.Core.FineTuning.Modes;
using RagLab.Core.FineTuning.Training;
using RagLab.Core.Kernel;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.FineTuning;

/// <summary>The whole fine-tuning lifecycle with the local trainer: dataset, training, import into Ollama, the modes, and every way it can fail.</summary>
public sealed class LocalTrainerLifecycleTests : IAsyncLifetime
{
    private FakeOllamaServer _ollama = null!;
    private FakeTrainerServer _trainer = null!;
    private FineTuningLab _lab = null!;

    public async Task InitializeAsync()
    {
        _ollama = await FakeOllamaServer.StartAsync();
        _trainer = await FakeTrainerServer.StartAsync();
        _lab = await FineTuningLab.StartAsync(_ollama, new Dictionary<string, string?> { ["RagLab:FineTuning:Trainer:Endpoint"] = _trainer.BaseAddress.ToString() });
        await _lab.IngestAsync();
    }

    public async Task DisposeAsync()
    {
        await _lab.DisposeAsync();
        await _trainer.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    private static string Sha(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task A_dataset_trains_registers_in_ollama_and_answers_in_finetuned_and_hybrid_modes()
    {
        var dataset = await _lab.BuildDatasetAsync();
        var job = await _lab.FineTuneAsync(dataset.Id);

        Assert.True(job.Status == FineTuneStatus.Succeeded, job.Error);
        Assert.Equal("raglab-default-v1", job.ModelName);

        // What the trainer received: the contract's config and the dataset as chat JSONL.
        var submitted = Assert.Single(_trainer.Jobs);
        Assert.Equal("Qwen/Qwen2.5-1.5B-Instruct", submitted.Config.GetProperty("baseModel").GetString());
        var hyper = submitted.Config.GetProperty("hyperparameters");
        Assert.Equal(16, hyper.GetProperty("rank").GetInt32());
        Assert.Equal(32, hyper.GetProperty("alpha").GetInt32());
        Assert.Equal(2048, hyper.GetProperty("maxSeqLength").GetInt32());
        var trainLines = submitted.Train.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(dataset.Statistics!.TrainExamples, trainLines.Length);
        Assert.All(trainLines, line => Assert.NotNull(ChatJsonlReader.Parse(line, out _)));
        Assert.Equal(dataset.Statistics.ValidationExamples, submitted.Validation.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // Lifecycle and losses, in order.
        var events = await _lab.Store.GetEventsAsync(job.Id, 0, CancellationToken.None);
        Assert.Equal([FineTuneStatus.Validating, FineTuneStatus.Queued, FineTuneStatus.Running, FineTuneStatus.Registering, FineTuneStatus.Succeeded],
            events.Where(e => e.Status is not null).Select(e => e.Status!.Value).Distinct());
        Assert.Equal([1, 2, 3], events.Where(e => e.Metric is not null).Select(e => e.Metric!.Step));
        Assert.Equal([2.0, 1.0, 0.6667], events.Where(e => e.Metric is not null).Select(e => e.Metric!.TrainLoss!.Value));

        // Every artifact downloaded, pushed as a blob under its SHA-256, and the model created from them with the base model's template.
        Assert.Equal(_trainer.Artifacts.Keys.Order(), _trainer.Downloads.Order());
        foreach (var (name, bytes) in _trainer.Artifacts) Assert.Equal(bytes, _ollama.Blobs[Sha(bytes)]);
        var create = _ollama.CreatedModels["raglab-default-v1"];
        Assert.Equal(_trainer.Artifacts.ToDictionary(a => a.Key, a => Sha(a.Value)),
            create.GetProperty("files").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()));
        Assert.Equal("q4_K_M", create.GetProperty("quantize").GetString());
        Assert.Equal("{{ .Prompt }}", create.GetProperty("template").GetString());
        Assert.Equal(["<|im_end|>"], create.GetProperty("parameters").GetProperty("stop").EnumerateArray().Select(s => s.GetString()));

        // The registry: version 1, active, with its dataset, losses, time, cost and forgetting probe.
        var version = Assert.Single(await _lab.Store.ListVersionsAsync("default", CancellationToken.None));
        Assert.True(version.Active);
        Assert.Equal((1, "raglab-default-v1", "ollama", dataset.Id), (version.Number, version.ModelName, version.Provider, version.DatasetId));
        Assert.Equal(0.6667, version.FinalTrainLoss);
        Assert.Equal(0.7333, version.FinalValidLoss);
        Assert.NotNull(version.Cost);
        Assert.Equal(20, version.Forgetting!.Questions);
        Assert.Null(version.Forgetting.Error);
        Assert.Equal(0, version.Forgetting.Drop);

        // Both modes answer through the fine-tuned model.
        var finetuned = await _lab.AskAsync("How long is the refund window?", FineTunedAnswerMode.ModeName);
        Assert.Equal("raglab-default-v1", finetuned.Model);
        Assert.Empty(finetuned.Retrieved ?? []);
        var hybrid = await _lab.AskAsync("How long is the refund window?", HybridAnswerMode.ModeName);
        Assert.Equal("raglab-default-v1", hybrid.Model);
        Assert.NotEmpty(hybrid.Retrieved!);
        var chats = _ollama.RequestsTo("/api/chat").TakeLast(2).Select(r => r.Json.GetProperty("model").GetString());
        Assert.Equal(["raglab-default-v1", "raglab-default-v1"], chats);
    }

    [Fact]
    public async Task A_second_version_skips_blobs_ollama_already_has_and_becomes_active()
    {
        var dataset = await _lab.BuildDatasetAsync(DatasetKind.ClosedBook);
        var first = await _lab.FineTuneAsync(dataset.Id);
        var pushesAfterFirst = _ollama.RequestsTo("/api/blobs/" + Sha(_trainer.Artifacts["model.safetensors"])).Count(r => r.Method == "POST");

        var second = await _lab.FineTuneAsync(dataset.Id);

        Assert.Equal((FineTuneStatus.Succeeded, FineTuneStatus.Succeeded), (first.Status, second.Status));
        Assert.Equal("raglab-default-v2", second.ModelName);
        Assert.Equal(1, pushesAfterFirst);
        Assert.Equal(_trainer.Artifacts.Count, _ollama.Requests.Count(r => r.Method == "POST" && r.Path.StartsWith("/api/blobs/", StringComparison.Ordinal)));
        var events = await _lab.Store.GetEventsAsync(second.Id, 0, CancellationToken.None);
        Assert.Equal(_trainer.Artifacts.Count, events.Count(e => e.Message.Contains("already in Ollama", StringComparison.Ordinal)));
        var versions = await _lab.Store.ListVersionsAsync("default", CancellationToken.None);
        Assert.Equal([(2, true), (1, false)], versions.Select(v => (v.Number, v.Active)));

        // Roll back, then delete version 2 (also in Ollama).
        var v1 = versions.Single(v => v.Number == 1);
        await _lab.Get<FineTuneService>().ActivateAsync(v1.Id, CancellationToken.None);
        Assert.Equal("raglab-default-v1", (await _lab.AskAsync("Refunds?", FineTunedAnswerMode.ModeName)).Model);
        await _lab.Get<FineTuneService>().DeleteVersionAsync(versions.Single(v => v.Number == 2).Id, CancellationToken.None);
        Assert.DoesNotContain("raglab-default-v2", _ollama.Models);
        Assert.Contains("raglab-default-v1", _ollama.Models);
    }

    [Fact]
    public async Task Cancelling_a_running_job_stops_the_trainer_and_registers_nothing()
    {
        _trainer.HoldRunning = true;
        var dataset = await _lab.BuildDatasetAsync();
        var job = await _lab.Get<FineTuneService>().StartAsync(new FineTuneRequest(dataset.Id), CancellationToken.None);
        await _lab.WaitForAsync(job.Id, j => j.Status == FineTuneStatus.Running);

        await _lab.Get<FineTuneService>().CancelAsync(job.Id, CancellationToken.None);
        var done = await _lab.WaitForAsync(job.Id, j => j.Status.IsFinished());

        Assert.Equal(FineTuneStatus.Cancelled, done.Status);
        Assert.True(Assert.Single(_trainer.Jobs).CancelRequested);
        Assert.Empty(_ollama.CreatedModels);
        Assert.Empty(await _lab.Store.ListVersionsAsync("default", CancellationToken.None));
        await Assert.ThrowsAsync<ValidationException>(() => _lab.Get<FineTuneService>().CancelAsync(job.Id, CancellationToken.None));
    }

    [Fact]
    public async Task A_trainer_failure_ends_the_job_failed_with_the_trainers_reason()
    {
        _trainer.FailWith = "CUDA out of memory: reduce batchSize or maxSeqLength";
        var dataset = await _lab.BuildDatasetAsync();

        var job = await _lab.FineTuneAsync(dataset.Id);

        Assert.Equal(FineTuneStatus.Failed, job.Status);
        Assert.Contains("CUDA out of memory", job.Error);
        Assert.Empty(_ollama.CreatedModels);
        Assert.Empty(await _lab.Store.ListVersionsAsync("default", CancellationToken.None));
    }

    [Fact]
    public async Task An_artifact_whose_digest_does_not_match_is_never_imported()
    {
        _trainer.CorruptArtifact = "model.safetensors";
        var dataset = await _lab.BuildDatasetAsync();

        var job = await _lab.FineTuneAsync(dataset.Id);

        Assert.Equal(FineTuneStatus.Failed, job.Status);
        Assert.Contains("digest mismatch", job.Error);
        Assert.Contains("model.safetensors", job.Error);
        Assert.Empty(_ollama.RequestsTo("/api/create"));
        Assert.DoesNotContain(_ollama.Models, m => m.StartsWith("raglab-", StringComparison.Ordinal));
        Assert.Empty(await _lab.Store.ListVersionsAsync("default", CancellationToken.None));
    }

    [Fact]
    public async Task A_create_ollama_refuses_leaves_no_model_behind()
    {
        _ollama.RefuseCreate = "unsupported architecture \"Qwen2ForCausalLM\"";
        var dataset = await _lab.BuildDatasetAsync();

        var job = await _lab.FineTuneAsync(dataset.Id);

        Assert.Equal(FineTuneStatus.Failed, job.Status);
        Assert.Contains("unsupported architecture", job.Error);
        Assert.Contains("registering", (await _lab.Store.GetEventsAsync(job.Id, 0, CancellationToken.None)).Last().Message);
        Assert.DoesNotContain(_ollama.Models, m => m.StartsWith("raglab-", StringComparison.Ordinal));
        Assert.Single(_ollama.RequestsTo("/api/delete"));
        Assert.Empty(await _lab.Store.ListVersionsAsync("default", CancellationToken.None));
        var refused = await Assert.ThrowsAsync<DependencyUnavailableException>(() => _lab.AskAsync("Refunds?", HybridAnswerMode.ModeName));
        Assert.Contains("POST /api/finetunes", refused.Message);
    }
}
