using RagLab.Core.FineTuning.Training;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.FineTuning;

/// <summary>
/// One fine-tuning back-end with its in-test server, as the shared lifecycle tests see it: how the lab is configured for it,
/// how to make it fail or hold, what it received, and where its trained models are served and asked.
/// </summary>
internal abstract class TrainerUnderTest : IAsyncDisposable
{
    /// <summary>The back-ends every lifecycle test runs against.</summary>
    public static TheoryData<string> Backends => [LocalTrainerBackendName, OpenAiBackendName];

    public const string LocalTrainerBackendName = "local";
    public const string OpenAiBackendName = "openai";

    public static async Task<TrainerUnderTest> StartAsync(string backend, FakeOllamaServer ollama) => backend switch
    {
        LocalTrainerBackendName => new LocalTrainer(await FakeTrainerServer.StartAsync(), ollama),
        OpenAiBackendName => new OpenAiFineTuning(await StartOpenAiAsync()),
        _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "local or openai"),
    };

    private static async Task<FakeOpenAiFineTuningServer> StartOpenAiAsync()
    {
        var api = await FakeOpenAiFineTuningServer.StartAsync();
        api.Respond = FineTuningLab.RespondAs; // its base and fine-tuned models answer as the lab's Ollama models do
        return api;
    }

    /// <summary>The <c>RagLab:FineTuning</c> settings that make this the lab's (default) back-end.</summary>
    public abstract IDictionary<string, string?> Configuration { get; }

    /// <summary>The settings that reach where its models are served, without any trainer (Ollama needs none; the API is both).</summary>
    public abstract IDictionary<string, string?> ServingConfiguration { get; }

    /// <summary><see cref="Core.FineTuning.Registry.ModelVersion.Provider"/> of the versions it makes.</summary>
    public abstract string Provider { get; }

    /// <summary>What a cost estimate of its runs is based on.</summary>
    public abstract string CostBasis { get; }

    /// <summary>True: the next job stays running until it is cancelled.</summary>
    public abstract bool HoldRunning { set; }

    /// <summary>Makes the next job fail mid-training with this reason.</summary>
    public abstract void FailWith(string reason);

    /// <summary>Whether the trainer was asked to cancel its (only) job.</summary>
    public abstract bool CancelRequested { get; }

    /// <summary>The training and validation JSONL of its (only) job, as received.</summary>
    public abstract (string Train, string Validation) Received { get; }

    /// <summary>Checks the job's settings as the trainer received them (its own names for model and hyperparameters).</summary>
    public abstract void AssertReceivedSettings(FineTuneJob job);

    /// <summary>Checks that the trained model is where the version says it is served, and how it got there.</summary>
    public abstract void AssertRegistered(FineTuneJob job);

    /// <summary>The models training produced on the serving side (created in Ollama, or a job's <c>fine_tuned_model</c>).</summary>
    public abstract IReadOnlyCollection<string> TrainedModels { get; }

    /// <summary>Whether the server that serves the versions has <paramref name="model"/>.</summary>
    public abstract bool Serves(string model);

    /// <summary>The model named by each chat request the versions' server received, in order.</summary>
    public abstract IReadOnlyList<string> ChatModelsAsked { get; }

    public abstract ValueTask DisposeAsync();

    public override string ToString() => GetType().Name;

    private sealed class LocalTrainer(FakeTrainerServer trainer, FakeOllamaServer ollama) : TrainerUnderTest
    {
        public override IDictionary<string, string?> Configuration => new Dictionary<string, string?>
        {
            ["RagLab:FineTuning:Trainer:Endpoint"] = trainer.BaseAddress.ToString(),
        };

        public override IDictionary<string, string?> ServingConfiguration => new Dictionary<string, string?>();

        public override string Provider => "ollama";

        public override string CostBasis => "GPU-hours";

        public override bool HoldRunning { set => trainer.HoldRunning = value; }

        public override void FailWith(string reason) => trainer.FailWith = reason;

        public override bool CancelRequested => Assert.Single(trainer.Jobs).CancelRequested;

        public override (string Train, string Validation) Received
        {
            get
            {
                var job = Assert.Single(trainer.Jobs);
                return (job.Train, job.Validation);
            }
        }

        public override void AssertReceivedSettings(FineTuneJob job)
        {
            var config = Assert.Single(trainer.Jobs).Config;
            Assert.Equal("Qwen/Qwen2.5-1.5B-Instruct", config.GetProperty("baseModel").GetString());
            var hyper = config.GetProperty("hyperparameters");
            Assert.Equal((16, 32, 2, 2048), (hyper.GetProperty("rank").GetInt32(), hyper.GetProperty("alpha").GetInt32(),
                hyper.GetProperty("epochs").GetInt32(), hyper.GetProperty("maxSeqLength").GetInt32()));
        }

        public override void AssertRegistered(FineTuneJob job)
        {
            Assert.Equal("raglab-default-v1", job.ModelName);
            // Every artifact downloaded, pushed as a blob under its SHA-256, and the model created from them with the base model's template.
            Assert.Equal(trainer.Artifacts.Keys.Order(), trainer.Downloads.Order());
            foreach (var (_, bytes) in trainer.Artifacts) Assert.Equal(bytes, ollama.Blobs[Sha(bytes)]);
            var create = ollama.CreatedModels["raglab-default-v1"];
            Assert.Equal(trainer.Artifacts.ToDictionary(a => a.Key, a => Sha(a.Value)),
                create.GetProperty("files").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!));
            Assert.Equal("q4_K_M", create.GetProperty("quantize").GetString());
            Assert.Equal("{{ .Prompt }}", create.GetProperty("template").GetString());
            Assert.Equal(["<|im_end|>"], create.GetProperty("parameters").GetProperty("stop").EnumerateArray().Select(s => s.GetString()));
        }

        public override IReadOnlyCollection<string> TrainedModels => ollama.CreatedModels.Keys.ToList();

        public override bool Serves(string model) => ollama.Models.Contains(model);

        public override IReadOnlyList<string> ChatModelsAsked => ollama.RequestsTo("/api/chat").Select(r => r.Json.GetProperty("model").GetString()!).ToList();

        public override ValueTask DisposeAsync() => trainer.DisposeAsync();

        public static string Sha(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
    }

    private sealed class OpenAiFineTuning(FakeOpenAiFineTuningServer api) : TrainerUnderTest
    {
        private const string BaseModel = "gpt-4o-mini-2024-07-18";

        public override IDictionary<string, string?> Configuration => new Dictionary<string, string?>(ServingConfiguration)
        {
            ["RagLab:FineTuning:DefaultBackend"] = "openai",
        };

        public override IDictionary<string, string?> ServingConfiguration => new Dictionary<string, string?>
        {
            ["RagLab:FineTuning:OpenAI:Endpoint"] = api.Endpoint.ToString(),
            ["RagLab:FineTuning:OpenAI:ApiKey"] = "sk-test",
            ["RagLab:FineTuning:OpenAI:BaseModel"] = BaseModel,
        };

        public override string Provider => "openai";

        public override string CostBasis => "trained tokens";

        public override bool HoldRunning { set => api.HoldRunning = value; }

        public override void FailWith(string reason) => api.FailWith = ("invalid_training_file", reason);

        public override bool CancelRequested => Assert.Single(api.Jobs).CancelRequested;

        public override (string Train, string Validation) Received
        {
            get
            {
                var job = Assert.Single(api.Jobs);
                return (api.File(job.TrainingFile).Text, api.File(job.ValidationFile!).Text);
            }
        }

        public override void AssertReceivedSettings(FineTuneJob job)
        {
            var received = Assert.Single(api.Jobs);
            Assert.Equal((BaseModel, "raglab-default"), (received.Model, received.Suffix));
            Assert.Equal(("fine-tune", "fine-tune"), (api.File(received.TrainingFile).Purpose, api.File(received.ValidationFile!).Purpose));
            var method = received.Request.GetProperty("method");
            Assert.Equal("supervised", method.GetProperty("type").GetString());
            var hyper = method.GetProperty("supervised").GetProperty("hyperparameters");
            Assert.Equal((2, 4, "auto"), (hyper.GetProperty("n_epochs").GetInt32(), hyper.GetProperty("batch_size").GetInt32(), hyper.GetProperty("learning_rate_multiplier").GetString()));
            Assert.Equal(received.Id, job.ExternalId);
        }

        public override void AssertRegistered(FineTuneJob job)
        {
            var received = Assert.Single(api.Jobs);
            Assert.Equal($"ft:{BaseModel}:{FakeOpenAiFineTuningServer.Organization}:raglab-default:{received.Id[^6..]}", job.ModelName);
            Assert.Equal(job.ModelName, received.FineTunedModel);
            Assert.Equal(received.TrainedTokens, job.TrainedTokens);
            Assert.True(job.TrainedTokens > 0);
        }

        public override IReadOnlyCollection<string> TrainedModels => api.Jobs.Select(j => j.FineTunedModel).OfType<string>().ToList();

        public override bool Serves(string model) => api.FineTunedModels.Contains(model);

        public override IReadOnlyList<string> ChatModelsAsked => api.RequestsTo("/v1/chat/completions").Select(r => r.Json.GetProperty("model").GetString()!).ToList();

        public override ValueTask DisposeAsync() => api.DisposeAsync();
    }
}

/// <summary>A lab with one back-end's in-test trainer and the in-test Ollama, the collection <c>default</c> ingested.</summary>
internal sealed class TrainingRig : IAsyncDisposable
{
    private TrainingRig(FakeOllamaServer ollama, TrainerUnderTest trainer, FineTuningLab lab)
    {
        Ollama = ollama;
        Trainer = trainer;
        Lab = lab;
    }

    public FakeOllamaServer Ollama { get; }

    public TrainerUnderTest Trainer { get; }

    /// <summary>The lab; <see cref="RestartAsync"/> replaces it.</summary>
    public FineTuningLab Lab { get; private set; }

    public static async Task<TrainingRig> StartAsync(string backend)
    {
        var ollama = await FakeOllamaServer.StartAsync();
        var trainer = await TrainerUnderTest.StartAsync(backend, ollama);
        var lab = await FineTuningLab.StartAsync(ollama, trainer.Configuration);
        await lab.IngestAsync();
        return new TrainingRig(ollama, trainer, lab);
    }

    /// <summary>Restarts the lab on the same data with <paramref name="fineTuning"/> settings.</summary>
    public async Task RestartAsync(IDictionary<string, string?> fineTuning) => Lab = await Lab.RestartAsync(fineTuning);

    public async ValueTask DisposeAsync()
    {
        await Lab.DisposeAsync();
        await Trainer.DisposeAsync();
        await Ollama.DisposeAsync();
    }
}
