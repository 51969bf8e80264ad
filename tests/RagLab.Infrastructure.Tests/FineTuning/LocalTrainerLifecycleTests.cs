using System.Security.Cryptography;
using RagLab.Core.FineTuning.Datasets;
using RagLab.Core.FineTuning.Modes;
using RagLab.Core.FineTuning.Training;
using RagLab.Core.Kernel;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.FineTuning;

/// <summary>
/// What only the local trainer does: import into Ollama (blobs pushed once, a digest checked, a refused create cleaned up) and
/// versions rolled back and deleted there. The lifecycle both back-ends share is in <see cref="FineTuningLifecycleTests"/>.
/// </summary>
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
        var events = await _lab.Store.GetEventsAsync(job.Id, 0, CancellationToken.None);
        Assert.Contains(events, e => e.Message.Contains("registering", StringComparison.Ordinal));
        // Ollama's progress ("writing manifest") comes before the failure, which is the job's last word.
        Assert.InRange(events.ToList().FindIndex(e => e.Message == "Ollama: writing manifest"), 0, events.Count - 2);
        Assert.Equal((FineTuneEventKind.Status, FineTuneStatus.Failed), (events[^1].Kind, events[^1].Status));
        Assert.Contains("unsupported architecture", events[^1].Message);
        // A progress line read after the failure (a stream still being consumed) is not stored after it.
        Assert.Null(await _lab.Store.AddEventAsync(job.Id, FineTuneEventKind.Message, "Ollama: writing manifest", null, null, CancellationToken.None));
        Assert.Equal(events.Count, (await _lab.Store.GetEventsAsync(job.Id, 0, CancellationToken.None)).Count);
        Assert.DoesNotContain(_ollama.Models, m => m.StartsWith("raglab-", StringComparison.Ordinal));
        Assert.Single(_ollama.RequestsTo("/api/delete"));
        Assert.Empty(await _lab.Store.ListVersionsAsync("default", CancellationToken.None));
        var refused = await Assert.ThrowsAsync<DependencyUnavailableException>(() => _lab.AskAsync("Refunds?", HybridAnswerMode.ModeName));
        Assert.Contains("POST /api/finetunes", refused.Message);
    }
}
