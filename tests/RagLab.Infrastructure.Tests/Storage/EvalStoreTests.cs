using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Evaluation.Sets;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Storage;

public sealed class SqliteEvalStoreTests : EvalStoreTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresEvalStoreTests(PostgresServer server) : EvalStoreTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgresAsync(server);
}

/// <summary>The eval store, the same code on SQLite and on Postgres.</summary>
public abstract class EvalStoreTests : StoreTestBase
{
    private SqlEvalStore _store = null!;

    protected override async Task InitializeStoreAsync()
    {
        _store = new SqlEvalStore(Engine.Database);
        await _store.EnsureSchemaAsync(CancellationToken.None);
        await new SqlEvalStore(Engine.OpenAnother()).EnsureSchemaAsync(CancellationToken.None); // idempotent, and safe from another process
    }

    private static EvalSetDraft Draft(string name, params string[] questions) =>
        new(name, "docs", EvalSetSource.Jsonl, HeldOutFromTraining: true,
            questions.Select((q, i) => new EvalItem($"q{i + 1}", q, i == 0 ? "30 days" : null, i == 0 ? ["refunds.md"] : [], ["t"], i == 1)).ToArray());

    [Fact]
    public async Task Importing_the_same_name_again_adds_a_version_and_keeps_items_in_order()
    {
        var first = await _store.ImportAsync(Draft("faq", "What is the refund window?", "Who is the CEO?"), CancellationToken.None);
        var second = await _store.ImportAsync(Draft("faq", "Q three?"), CancellationToken.None);
        var other = await _store.ImportAsync(Draft("other", "Q?"), CancellationToken.None);

        Assert.Equal((1, 2, 1), (first.Version, second.Version, other.Version));
        Assert.Equal(3, (await _store.ListSetsAsync("docs", CancellationToken.None)).Count);
        Assert.Empty(await _store.ListSetsAsync("elsewhere", CancellationToken.None));

        var items = await _store.GetItemsAsync(first.Id, CancellationToken.None);
        Assert.Equal(["What is the refund window?", "Who is the CEO?"], items.Select(i => i.Question));
        Assert.Equal("30 days", items[0].Answer);
        Assert.Equal(["refunds.md"], items[0].RelevantDocuments);
        Assert.True(items[1].Unanswerable);
        Assert.Equal(EvalSetSource.Jsonl, (await _store.GetSetAsync(first.Id, CancellationToken.None))!.Source);
    }

    [Fact]
    public async Task Questions_are_available_for_training_exclusion()
    {
        var set = await _store.ImportAsync(Draft("faq", "What is the refund window?", "Who is the CEO?"), CancellationToken.None);
        await _store.ImportAsync(Draft("faq2", "Other question?") with { HeldOutFromTraining = false }, CancellationToken.None);

        var questions = await _store.GetQuestionsAsync(set.Id, CancellationToken.None);
        Assert.Contains("what is the refund window?", questions);
        Assert.Equal(2, questions.Count);
        var heldOut = await _store.GetHeldOutQuestionsAsync(null, CancellationToken.None);
        Assert.DoesNotContain("Other question?", heldOut);
        Assert.Equal(2, heldOut.Count);
    }

    [Fact]
    public async Task Deleting_a_set_removes_its_items_runs_and_results()
    {
        var set = await _store.ImportAsync(Draft("faq", "What is the refund window?"), CancellationToken.None);
        var run = await _store.CreateRunAsync(new EvalRunRequest(set.Id, ["rag"]), CancellationToken.None);
        await _store.SaveAnswerAsync(run.Id, Record("q1"), CancellationToken.None);

        Assert.True(await _store.DeleteSetAsync(set.Id, CancellationToken.None));
        Assert.False(await _store.DeleteSetAsync(set.Id, CancellationToken.None));
        Assert.Empty(await _store.GetItemsAsync(set.Id, CancellationToken.None));
        Assert.Null(await _store.GetRunAsync(run.Id, CancellationToken.None));
        Assert.Empty(await _store.GetAnswersAsync(run.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Runs_round_trip_with_records_and_status()
    {
        var set = await _store.ImportAsync(Draft("faq", "What is the refund window?"), CancellationToken.None);
        var request = new EvalRunRequest(set.Id, ["base", "rag"], ["bm25"], Prices: new PriceSettings(GpuDollarsPerHour: 1.5));
        var run = await _store.CreateRunAsync(request, CancellationToken.None);
        await _store.SaveAnswerAsync(run.Id, Record("q1"), CancellationToken.None);
        await _store.SaveAnswerAsync(run.Id, Record("q1") with { Answer = "replaced" }, CancellationToken.None);
        await _store.UpdateRunAsync(run.Id, EvalRunStatus.Failed, "boom", null, CancellationToken.None);

        var loaded = await _store.GetRunAsync(run.Id, CancellationToken.None);
        Assert.Equal(EvalRunStatus.Failed, loaded!.Status);
        Assert.Equal("boom", loaded.Error);
        Assert.Equal(["base", "rag"], loaded.Request.Modes);
        Assert.Equal(1.5, loaded.Request.Prices!.GpuDollarsPerHour);
        var answers = await _store.GetAnswersAsync(run.Id, CancellationToken.None);
        Assert.Equal("replaced", Assert.Single(answers).Answer);
        Assert.Equal("refunds.md", answers[0].Citations[0].DocumentName);
    }

    [Fact]
    public async Task Creating_a_run_for_a_missing_set_or_with_bad_values_fails_clearly()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => _store.CreateRunAsync(new EvalRunRequest("nope", ["rag"]), CancellationToken.None));
        var error = await Assert.ThrowsAsync<ValidationException>(() => _store.CreateRunAsync(new EvalRunRequest("x", ["rag"], Parallelism: 0), CancellationToken.None));
        Assert.Contains("Parallelism", error.Message);
    }

    private static EvalAnswerRecord Record(string itemId) => new(
        itemId, "What is the refund window?", "rag", "bm25", "30 days", "m", [new Citation("c1", "d1", "refunds.md", "30 days")], ["c1"], ["d1"],
        new AnswerMetrics(1, 1, 1, 1, null, 1, false, null, 0), new RecordTimings(10, 20, 30, 40), new TokenUsage(100, 5), EvalOutcome.Correct);

    [Fact]
    public async Task Deleting_a_run_removes_its_results_and_keeps_the_set()
    {
        var set = await _store.ImportAsync(Draft("faq", "What is the refund window?"), CancellationToken.None);
        var run = await _store.CreateRunAsync(new EvalRunRequest(set.Id, ["base"]), CancellationToken.None);
        await _store.SaveRetrievalAsync(run.Id, new EvalRetrievalRecord("q1", "bm25", ["d1"], [new RetrievalAtK(1, 1, 1, 1, 1, 1)], 3), CancellationToken.None);

        Assert.True(await _store.DeleteRunAsync(run.Id, CancellationToken.None));
        Assert.False(await _store.DeleteRunAsync(run.Id, CancellationToken.None));
        Assert.Null(await _store.GetRunAsync(run.Id, CancellationToken.None));
        Assert.Empty(await _store.GetRetrievalsAsync(run.Id, CancellationToken.None));
        Assert.NotNull(await _store.GetSetAsync(set.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Job_results_are_kept_per_job_and_kind()
    {
        var report = new FreshnessReport("doc1", 0.4, [new FreshnessResult("rag", true, 0.6, "49 dollars"), new FreshnessResult("base", false, null, "39 dollars")]);
        await _store.SaveFreshnessReportAsync("job1", report, CancellationToken.None);
        await _store.SaveGeneratedSetAsync("job2", "set9", CancellationToken.None);

        var read = await _store.GetFreshnessReportAsync("job1", CancellationToken.None);
        Assert.Equal(("doc1", 0.4), (read!.DocumentId, read.IndexedAfterSeconds));
        Assert.Equal(report.Modes, read.Modes);
        Assert.Equal("set9", await _store.GetGeneratedSetIdAsync("job2", CancellationToken.None));
        Assert.Null(await _store.GetGeneratedSetIdAsync("job1", CancellationToken.None)); // another kind of result
        Assert.Null(await _store.GetFreshnessReportAsync("job3", CancellationToken.None));
    }

    [Fact]
    public async Task Results_come_back_in_the_order_they_were_first_saved()
    {
        var set = await _store.ImportAsync(Draft("faq", "A?", "B?", "C?"), CancellationToken.None);
        var run = await _store.CreateRunAsync(new EvalRunRequest(set.Id, ["rag"]), CancellationToken.None);
        foreach (var item in new[] { "q2", "q3", "q1" }) await _store.SaveAnswerAsync(run.Id, Record(item), CancellationToken.None);
        await _store.SaveAnswerAsync(run.Id, Record("q3") with { Answer = "again" }, CancellationToken.None);

        var answers = await _store.GetAnswersAsync(run.Id, CancellationToken.None);

        Assert.Equal(["q2", "q3", "q1"], answers.Select(a => a.ItemId));
        Assert.Equal("again", answers[1].Answer);
    }
}
