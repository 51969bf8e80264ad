using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RagLab.Core.FineTuning;
using RagLab.Core.FineTuning.Datasets;
using RagLab.Core.FineTuning.Forgetting;
using RagLab.Core.FineTuning.Training;
using RagLab.Core.Generation;
using RagLab.Core.Ingestion;
using RagLab.Core.Kernel;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.FineTuning;

/// <summary>
/// The lab as the Worker runs it (<c>AddRagLab()</c>, jobs in process, SQLite in a temporary folder) against an in-test Ollama
/// (chat, show, blobs, create, delete) and, when given, an in-test trainer or OpenAI fine-tuning server. The chat models answer
/// per model (<see cref="RespondAs"/>).
/// </summary>
internal sealed class FineTuningLab : IAsyncDisposable
{
    public static readonly (string Name, string Text)[] Documents =
    [
        ("refunds.md", "# Refunds\n\nRefunds are accepted within 30 days of purchase. The refund goes back to the original card within five business days."),
        ("shipping.md", "# Shipping\n\nStandard shipping takes three to five days. Express shipping arrives the next business day for orders placed before noon."),
        ("warranty.md", "# Warranty\n\nEvery laptop carries a two year warranty. The warranty covers parts and labour but not accidental damage."),
        ("support.md", "# Support\n\nThe support line is open from eight to six on weekdays. Chat support answers within ten minutes during those hours."),
    ];

    private FineTuningLab(IHost host, FakeOllamaServer ollama, string directory)
    {
        Host = host;
        Ollama = ollama;
        _directory = directory;
    }

    private readonly string _directory;

    public IHost Host { get; }

    public FakeOllamaServer Ollama { get; }

    public T Get<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    public IFineTuneStore Store => Get<IFineTuneStore>();

    public static async Task<FineTuningLab> StartAsync(FakeOllamaServer ollama, IDictionary<string, string?> fineTuning, string? directory = null)
    {
        directory ??= Path.Combine(Path.GetTempPath(), "raglab-ft-" + Guid.NewGuid().ToString("n"));
        ollama.RespondAs = RespondAs;
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing", ContentRootPath = Path.GetTempPath() });
        var configuration = new Dictionary<string, string?>
        {
            ["RagLab:DataDirectory"] = directory,
            ["RagLab:Ollama:Endpoint"] = ollama.BaseAddress.ToString(),
            ["RagLab:Ollama:ChatModel"] = "qwen2.5:1.5b",
            ["RagLab:Embeddings:Model"] = "off",
            ["RagLab:Ollama:ProbeTimeout"] = "00:00:30",
            ["RagLab:FineTuning:PollInterval"] = "00:00:00.020",
        };
        foreach (var (key, value) in fineTuning) configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddRagLab();
        var host = builder.Build();
        await host.StartAsync();
        return new FineTuningLab(host, ollama, directory);
    }

    /// <summary>Ingests <see cref="Documents"/> into <c>default</c> and waits until they are searchable.</summary>
    public async Task IngestAsync()
    {
        var ingestion = Get<IIngestionService>();
        foreach (var (name, text) in Documents)
            await ingestion.SubmitAsync("default", name, new MemoryStream(Encoding.UTF8.GetBytes(text)), CancellationToken.None);
        await WaitAsync(async () => (await Get<IDocumentStore>().ListAsync("default", CancellationToken.None)).Count(d => d.Status == DocumentStatus.Ready) == Documents.Length,
            "the documents to be ready");
    }

    public async Task<TrainingDataset> BuildDatasetAsync(DatasetKind kind = DatasetKind.Raft)
    {
        var started = await Get<DatasetService>().StartBuildAsync(
            new DatasetBuildRequest("", $"support-{kind}", "default", kind, MaxChunks: 20, QuestionsPerChunk: 2, Distractors: 2, ValidationShare: 0.25, MinChunkWords: 5),
            CancellationToken.None);
        TrainingDataset? dataset = null;
        await WaitAsync(async () => (dataset = await Store.GetDatasetAsync(started.Id, CancellationToken.None))!.Status != DatasetStatus.Building, "the dataset to be built");
        Assert.True(dataset!.Status == DatasetStatus.Ready, dataset.Error);
        return dataset;
    }

    public async Task<FineTuneJob> FineTuneAsync(string datasetId, string? backend = null)
    {
        var job = await Get<FineTuneService>().StartAsync(new FineTuneRequest(datasetId, backend), CancellationToken.None);
        return await WaitForAsync(job.Id, j => j.Status.IsFinished());
    }

    public async Task<FineTuneJob> WaitForAsync(string id, Func<FineTuneJob, bool> condition)
    {
        FineTuneJob? job = null;
        await WaitAsync(async () => condition(job = (await Store.GetJobAsync(id, CancellationToken.None))!), $"fine-tuning job {id}");
        return job!;
    }

    public Task<AnswerResult> AskAsync(string question, string mode) =>
        Get<IQuestionAnswerer>().AskAsync(new AskRequest(question, mode, Retriever: "bm25", Collection: "default", NoCache: true), CancellationToken.None);

    /// <summary>Waits for a condition (the machine may be slow), failing with what was awaited after two minutes.</summary>
    public static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Gave up waiting for {what}.");
            await Task.Delay(20);
        }
    }

    /// <summary>
    /// Stops this lab and starts another on the same data directory (the same database, datasets and versions) with
    /// <paramref name="fineTuning"/> as its fine-tuning settings, e.g. without the trainer that made its versions.
    /// </summary>
    public async Task<FineTuningLab> RestartAsync(IDictionary<string, string?> fineTuning)
    {
        await StopAsync();
        _handedOver = true;
        return await StartAsync(Ollama, fineTuning, _directory);
    }

    private bool _handedOver;

    /// <summary>Whether <paramref name="model"/> is a fine-tuned version: <c>raglab-…</c> in Ollama, <c>ft:…</c> on the fine-tuning API.</summary>
    public static bool IsFineTuned(string model) => model.StartsWith("raglab-", StringComparison.Ordinal) || model.StartsWith("ft:", StringComparison.Ordinal);

    /// <summary>How many of the forgetting probe's questions a fine-tuned version still answers right (the base model answers all).</summary>
    public const int RememberedByVersions = 15;

    /// <summary>
    /// The in-test chat models, per model: the forgetting probe's general-knowledge questions are answered right by base models
    /// and, for only the first <see cref="RememberedByVersions"/> of them, by fine-tuned versions, so fine-tuning measurably
    /// costs general knowledge; anything else as <see cref="Respond"/>.
    /// </summary>
    public static string RespondAs(string model, IReadOnlyList<FakeChatMessage> messages)
    {
        var question = messages.LastOrDefault(m => m.Role == "user")?.Content;
        var probe = ForgettingQuestion.GeneralKnowledge.Select((q, i) => (q, i)).FirstOrDefault(p => p.q.Question == question);
        if (probe.q is null) return Respond(messages);
        return IsFineTuned(model) && probe.i >= RememberedByVersions ? "I only know about the shop's policies." : probe.q.Answers[0] + ".";
    }

    /// <summary>
    /// The in-test chat model: for a training-data prompt, two questions about the passage whose evidence is its first sentence
    /// (verbatim, as the builder requires); for anything else, an answer that names Paris and echoes the question.
    /// </summary>
    public static string Respond(IReadOnlyList<FakeChatMessage> messages)
    {
        var prompt = messages.LastOrDefault(m => m.Role == "user")?.Content ?? "";
        const string marker = "Passage (from \"";
        var at = prompt.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return "Paris. You asked: " + prompt;
        var document = prompt[(at + marker.Length)..prompt.IndexOf('"', at + marker.Length)];
        var passage = prompt[(prompt.IndexOf('\n', at) + 1)..].Trim();
        var sentence = passage.Split('\n').Select(l => l.Trim()).First(l => l.Length > 0 && !l.StartsWith('#')).Split('.')[0].Trim() + ".";
        var words = sentence.Split(' ');
        return JsonSerializer.Serialize(new
        {
            items = new[]
            {
                new { question = $"According to {document}, what holds for {string.Join(' ', words.Take(3))}?", answer = sentence, evidence = sentence },
                new { question = $"Which rule in {document} concerns {string.Join(' ', words.Skip(3).Take(3))}?", answer = string.Join(' ', words.Skip(3)), evidence = sentence },
            },
        });
    }

    private async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Host.StopAsync(timeout.Token);
        Host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public async ValueTask DisposeAsync()
    {
        if (_handedOver) return; // the restarted lab owns the host's data now
        await StopAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
