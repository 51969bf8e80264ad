using RagLab.Core.Evaluation.Reports;
using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Generation;
using RagLab.Core.Jobs;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Tests.Evaluation.Fakes;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Evaluation;

/// <summary>Six questions through rag and base with fakes: rag answers from retrieved chunks with citations, base guesses.</summary>
public sealed class EvalRunEndToEndTests : IAsyncLifetime, IDisposable
{
    private const string Collection = "docs";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raglab-eval-e2e-" + Guid.NewGuid().ToString("n"));
    private readonly FakeDocumentStore _documents = new();
    private readonly Dictionary<string, Chunk> _chunkByDocument = [];
    private SqlEvalStore _store = null!;

    private const string Refund = "How long is the refund window?";
    private const string Express = "How much does express shipping cost?";
    private const string Warranty = "How long is the warranty?";
    private const string Support = "What are the support hours?";
    private const string Carrier = "Which carrier delivers parcels?";
    private const string Founder = "Who founded the company?";

    public async Task InitializeAsync()
    {
        _store = new SqlEvalStore(new SqliteDatabase(Path.Combine(_directory, "raglab.db")));
        await _store.EnsureSchemaAsync(CancellationToken.None);
        foreach (var (name, text) in new[]
        {
            ("refunds.md", "Refunds are accepted within 30 days of purchase."),
            ("shipping.md", "Express shipping costs 12 euros. Parcels are delivered by DHL."),
            ("warranty.md", "Every product has a warranty of two years."),
            ("support.md", "Support is open from 9 to 5 on weekdays."),
        })
            _chunkByDocument[name] = _documents.AddChunk(Collection, name, text);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }

    private IReadOnlyList<Chunk> Retrieve(string question) => question switch
    {
        Refund => [_chunkByDocument["refunds.md"], _chunkByDocument["support.md"]],
        Express => [_chunkByDocument["shipping.md"]],
        Warranty => [_chunkByDocument["support.md"], _chunkByDocument["warranty.md"]],
        Support => [_chunkByDocument["support.md"]],
        Carrier => [_chunkByDocument["warranty.md"]], // misses shipping.md
        _ => [_chunkByDocument["refunds.md"]],
    };

    private AnswerResult Answer(AskRequest request)
    {
        if (request.Mode == AnswerModeNames.Base)
        {
            var guess = request.Question == Founder ? "John Smith founded it in 1990." : "I believe it is 14 days or so.";
            return FakeQuestionAnswerer.Result(guess, "base");
        }
        var chunks = Retrieve(request.Question);
        var text = request.Question switch
        {
            Refund => "30 days [1].",
            Express => "Express shipping costs 12 euros [1].",
            Warranty => "Two years [2].",
            Support => "Support is available around the clock [1].", // wrong although support.md was retrieved
            _ => "The documents do not mention that.",
        };
        var cited = text.Contains("[2]") ? chunks[1] : chunks[0];
        IReadOnlyList<Citation> citations = text.Contains('[') ? [new Citation(cited.Id, cited.DocumentId, cited.DocumentName, cited.Text)] : [];
        return FakeQuestionAnswerer.Result(text, "rag", citations, chunks.Select(c => c.Id).ToArray(), request.Retriever);
    }

    private async Task<EvalSet> ImportSetAsync()
    {
        var jsonl = $$"""
            {"id": "refund", "question": "{{Refund}}", "answer": "30 days", "relevantDocuments": ["refunds.md"]}
            {"id": "express", "question": "{{Express}}", "answer": "12 euros", "relevantDocuments": ["shipping.md"]}
            {"id": "warranty", "question": "{{Warranty}}", "answer": "two years", "relevantDocuments": ["warranty.md"]}
            {"id": "support", "question": "{{Support}}", "answer": "9 to 5 on weekdays", "relevantDocuments": ["support.md"]}
            {"id": "carrier", "question": "{{Carrier}}", "answer": "DHL", "relevantDocuments": ["shipping.md"]}
            {"id": "founder", "question": "{{Founder}}", "unanswerable": true}
            """;
        var items = await JsonlEvalSetReader.ReadAsync(new StringReader(jsonl), CancellationToken.None);
        return await _store.ImportAsync(new EvalSetDraft("shop-faq", Collection, EvalSetSource.Jsonl, true, items), CancellationToken.None);
    }

    private EvalRunner Runner(FakeQuestionAnswerer answerer) =>
        new(_store, answerer, new FakeRetrieverCatalog(new FakeRetriever("bm25", Retrieve)), _documents, new RetrievalMetricsScorer());

    [Fact]
    public async Task Records_failure_split_resume_and_recommendation()
    {
        var set = await ImportSetAsync();
        var run = await _store.CreateRunAsync(new EvalRunRequest(set.Id, ["rag", "base"], ["bm25"], TopK: 3, Parallelism: 1,
            Prices: new PriceSettings(GpuDollarsPerHour: 2.0)), CancellationToken.None);

        // First attempt crashes on the 5th answer: 4 answers are stored.
        var crashing = new FakeQuestionAnswerer(["rag", "base"], Answer) { CrashOnCall = 5 };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Runner(crashing).RunAsync(new JobRecord("job1", EvalRunner.JobKind, JobStatus.Running, 0, $"\"{run.Id}\"", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), new RecordingProgress(), CancellationToken.None));
        var afterCrash = await _store.GetAnswersAsync(run.Id, CancellationToken.None);
        Assert.Equal(4, afterCrash.Count);
        Assert.Equal(5, (await _store.GetRetrievalsAsync(run.Id, CancellationToken.None)).Count);

        // The job runs again: only the 8 missing answers are asked for, all bypassing the cache.
        var resumed = new FakeQuestionAnswerer(["rag", "base"], Answer);
        var progress = new RecordingProgress();
        var summary = await Runner(resumed).RunAsync(run.Id, progress, CancellationToken.None);
        Assert.Equal(8, resumed.Requests.Count);
        Assert.All(resumed.Requests, r => Assert.True(r.NoCache));
        Assert.All(resumed.Requests, r => Assert.Equal(Collection, r.Collection));
        Assert.DoesNotContain(resumed.Requests, r => afterCrash.Any(a => a.Question == r.Question && a.Mode == r.Mode));
        Assert.Equal(1.0, progress.Fractions[^1]);
        Assert.Equal(EvalRunStatus.Completed, (await _store.GetRunAsync(run.Id, CancellationToken.None))!.Status);

        // Per-question records.
        var records = await _store.GetAnswersAsync(run.Id, CancellationToken.None);
        Assert.Equal(12, records.Count);
        string Outcome(string item, string mode) => records.Single(r => r.ItemId == item && r.Mode == mode).Outcome;
        Assert.Equal(EvalOutcome.Correct, Outcome("refund", "rag"));
        Assert.Equal(EvalOutcome.Correct, Outcome("express", "rag"));
        Assert.Equal(EvalOutcome.Correct, Outcome("warranty", "rag"));
        Assert.Equal(EvalOutcome.GenerationMiss, Outcome("support", "rag"));
        Assert.Equal(EvalOutcome.RetrievalMiss, Outcome("carrier", "rag"));
        Assert.Equal(EvalOutcome.AbstainedCorrectly, Outcome("founder", "rag"));
        Assert.All(records.Where(r => r.Mode == "base"), r => Assert.Equal(EvalOutcome.GenerationMiss, r.Outcome));

        var warranty = records.Single(r => r.ItemId == "warranty" && r.Mode == "rag");
        Assert.Equal("bm25", warranty.Retriever);
        Assert.Equal([_chunkByDocument["support.md"].DocumentId, _chunkByDocument["warranty.md"].DocumentId], warranty.RetrievedDocumentIds);
        Assert.Equal(1.0, warranty.Metrics.F1);
        Assert.Equal(1.0, warranty.Metrics.CitationPrecision);
        Assert.Equal(1.0, warranty.Metrics.LexicalGroundedness);
        Assert.NotNull(warranty.Timings.TimeToFirstTokenMs);
        var baseRefund = records.Single(r => r.ItemId == "refund" && r.Mode == "base");
        Assert.Null(baseRefund.Retriever);
        Assert.Null(baseRefund.Metrics.CitationPrecision);
        Assert.Null(baseRefund.Metrics.LexicalGroundedness);

        // Summary per mode and mode × retriever.
        var rag = summary.Modes.Single(m => m.Mode == "rag" && m.Retriever == "bm25");
        Assert.Equal(new FailureCounts(3, 1, 1, 1, 0), rag.Failures);
        Assert.Equal(4.0 / 6, rag.Accuracy!.Value, 10);
        Assert.Equal(1.0, rag.AbstentionAccuracy);
        Assert.Equal(400, rag.InputTokensPerQuery);
        Assert.Equal(20, rag.Latency.Retrieval!.P50);
        Assert.Equal(2.0 * 130 / 3_600_000, rag.Cost!.DollarsPerQuery, 12);
        var baseline = summary.Modes.Single(m => m.Mode == "base");
        Assert.Equal(new FailureCounts(0, 0, 0, 6, 0), baseline.Failures);
        Assert.Equal(0.0, baseline.Accuracy);
        Assert.Null(baseline.Latency.Retrieval);

        // Retrieval metrics at document level: the carrier question misses; the warranty one finds its document at rank 2.
        var bm25 = Assert.Single(summary.Retrievers);
        Assert.Equal(5, bm25.Questions);
        Assert.Equal(3.0 / 5, bm25.Scores.Single(s => s.K == 1).HitRate, 10);
        Assert.Equal(4.0 / 5, bm25.Scores.Single(s => s.K == 3).HitRate, 10);

        // The decision: RAG, with the thin evidence flagged.
        var report = DecisionEngine.Decide(summary, new Questionnaire(CitationsRequired: true));
        Assert.Equal(Recommendation.Rag, report.Recommendation);
        Assert.Equal(Confidence.Low, report.Confidence);
        Assert.Contains(report.Reasons, r => r.Evidence.Contains("+66.7 points"));
        Assert.Contains(report.Warnings, w => w.Problem.Contains("Only 6 questions"));
        Assert.Contains("| rag | bm25 | 6 | 66.7% |", DecisionReportExport.ToMarkdown(report));
    }

    [Fact]
    public async Task Job_payload_forms_and_failure_marking()
    {
        Assert.Equal("abc", EvalRunner.ParseRunId("\"abc\""));
        Assert.Equal("abc", EvalRunner.ParseRunId("{\"runId\": \"abc\"}"));
        Assert.Equal("abc", EvalRunner.ParseRunId(" abc "));

        var set = await ImportSetAsync();
        var run = await _store.CreateRunAsync(new EvalRunRequest(set.Id, ["rag"]), CancellationToken.None);
        var runner = Runner(new FakeQuestionAnswerer(["rag"], Answer));
        Assert.Equal("eval-run", runner.Kind);
        await runner.OnFailedAsync(new JobRecord("j", "eval-run", JobStatus.Failed, 0, $"\"{run.Id}\"", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), "out of memory", CancellationToken.None);
        var failed = await _store.GetRunAsync(run.Id, CancellationToken.None);
        Assert.Equal((EvalRunStatus.Failed, "out of memory"), (failed!.Status, failed.Error));
    }

    [Fact]
    public async Task A_failing_question_is_recorded_and_the_run_continues()
    {
        var set = await ImportSetAsync();
        var run = await _store.CreateRunAsync(new EvalRunRequest(set.Id, ["rag"], Parallelism: 3), CancellationToken.None);
        var answerer = new FakeQuestionAnswerer(["rag"], r => r.Question == Express ? throw new InvalidOperationException("model returned nothing") : Answer(r));

        var summary = await Runner(answerer).RunAsync(run.Id, new RecordingProgress(), CancellationToken.None);

        var failed = (await _store.GetAnswersAsync(run.Id, CancellationToken.None)).Single(r => r.ItemId == "express");
        Assert.Equal("model returned nothing", failed.Error);
        Assert.Equal(EvalOutcome.NotApplicable, failed.Outcome);
        // One row for the mode, for the one retriever it used: no second row merging the retrievers.
        var rag = Assert.Single(summary.Modes, m => m.Mode == "rag");
        Assert.NotNull(rag.Retriever);
        Assert.Equal((6, 5, 1), (rag.Questions, rag.Answered, rag.Errors));
        Assert.Contains(summary.Warnings, w => w.Contains("1 of 6 answers failed"));
    }

    [Fact]
    public async Task A_missing_model_fails_the_run_so_it_can_be_resumed()
    {
        var set = await ImportSetAsync();
        var run = await _store.CreateRunAsync(new EvalRunRequest(set.Id, ["base"]), CancellationToken.None);
        var answerer = new FakeQuestionAnswerer(["base"], _ => throw new DependencyUnavailableException("Connect Ollama."));

        await Assert.ThrowsAsync<DependencyUnavailableException>(() => Runner(answerer).RunAsync(run.Id, new RecordingProgress(), CancellationToken.None));
        var stored = await _store.GetRunAsync(run.Id, CancellationToken.None);
        Assert.Equal((EvalRunStatus.Failed, "Connect Ollama."), (stored!.Status, stored.Error));
        Assert.Empty(await _store.GetAnswersAsync(run.Id, CancellationToken.None));
    }

    private sealed class ScriptedMode(string name, bool usesRetrieval) : IAnswerMode
    {
        public string Name => name;
        public string Description => name;
        public bool UsesRetrieval => usesRetrieval;
        public bool SupportsExtractiveFallback => usesRetrieval;
        public string? ModelOverride => null;
        public IReadOnlyList<Microsoft.Extensions.AI.ChatMessage> BuildPrompt(string question, IReadOnlyList<RetrievalHit> hits) => [];
    }

    [Fact]
    public async Task A_registered_mode_says_whether_it_retrieves_whatever_its_name()
    {
        var set = await ImportSetAsync();
        // "lookup" has no conventional name (role Other) but retrieves; "rag" is registered here as not retrieving.
        var run = await _store.CreateRunAsync(new EvalRunRequest(set.Id, ["lookup", "rag"], ["bm25"], Parallelism: 1), CancellationToken.None);
        var answerer = new FakeQuestionAnswerer(["lookup", "rag"], request => request.Mode == "lookup"
            ? Answer(request with { Mode = "rag" }) with { Mode = "lookup" }
            : FakeQuestionAnswerer.Result("No idea.", request.Mode!));
        var runner = new EvalRunner(_store, answerer, new FakeRetrieverCatalog(new FakeRetriever("bm25", Retrieve)), _documents, new RetrievalMetricsScorer(),
            [new ScriptedMode("lookup", usesRetrieval: true), new ScriptedMode("rag", usesRetrieval: false)]);

        var summary = await runner.RunAsync(run.Id, new RecordingProgress(), CancellationToken.None);

        Assert.All(answerer.Requests.Where(r => r.Mode == "lookup"), r => Assert.Equal("bm25", r.Retriever));
        Assert.All(answerer.Requests.Where(r => r.Mode == "rag"), r => Assert.Null(r.Retriever));
        var lookup = summary.Modes.Single(m => m.Mode == "lookup" && m.Retriever == "bm25");
        Assert.Equal(ModeRole.Other, lookup.Role);
        Assert.Equal(1, lookup.Failures.RetrievalMiss); // the carrier question: its document was not retrieved
        Assert.NotNull(lookup.Latency.Retrieval);
        Assert.DoesNotContain(summary.Modes, m => m.Mode == "rag" && m.Retriever is not null);
        Assert.Null(summary.Modes.Single(m => m.Mode == "rag").Latency.Retrieval);
    }
}
