using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Ingestion;
using RagLab.Core.Tests.Evaluation.Fakes;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Evaluation;

public sealed class FreshnessProbeTests
{
    /// <summary>Indexes the document at once (ready); queuing it for a job is not what a probe may do.</summary>
    private sealed class FakeIngestion(FakeDocumentStore store) : IIngestionService
    {
        public Task<IngestionReceipt> SubmitAsync(string? collection, string name, Stream content, IReadOnlyList<string>? groups, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The probe must not queue an ingest job and wait for it.");

        public async Task<IngestionReceipt> IngestNowAsync(string? collection, string name, Stream content, CancellationToken cancellationToken)
        {
            var text = await new StreamReader(content).ReadToEndAsync(cancellationToken);
            var chunk = store.AddChunk(collection!, name, text);
            store.SetStatus(chunk.DocumentId, DocumentStatus.Ready);
            return new IngestionReceipt(chunk.DocumentId, name, collection!, DocumentStatus.Ready, null);
        }

        public Task<bool> DeleteAsync(string documentId, CancellationToken cancellationToken) => Task.FromResult(false);
    }

    [Fact]
    public async Task Rag_picks_up_the_changed_document_and_base_does_not()
    {
        var store = new FakeDocumentStore();
        var documentId = DocumentIds.ForDocument("docs", "pricing.md");
        var answerer = new FakeQuestionAnswerer(["rag", "base"], request =>
        {
            var ready = store.StatusOf(documentId) == DocumentStatus.Ready;
            Assert.True(request.NoCache);
            return FakeQuestionAnswerer.Result(request.Mode == "rag" && ready ? "The Pro plan costs 49 dollars." : "It costs 39 dollars.", request.Mode!);
        });
        var probe = new FreshnessProbe(new FakeIngestion(store), answerer, store);

        var report = await probe.RunAsync(new FreshnessProbeRequest("docs", "How much is the Pro plan?", "49 dollars", "pricing.md", "The Pro plan costs 49 dollars.",
            Timeout: TimeSpan.FromSeconds(2), PollInterval: TimeSpan.FromMilliseconds(5)), CancellationToken.None);

        Assert.Equal(documentId, report.DocumentId);
        var rag = report.Modes.Single(m => m.Mode == "rag");
        Assert.True(rag.PickedUp);
        Assert.NotNull(rag.Seconds);
        var baseline = report.Modes.Single(m => m.Mode == "base");
        Assert.False(baseline.PickedUp);
        Assert.Null(baseline.Seconds);
        Assert.Equal("It costs 39 dollars.", baseline.LastAnswer);
    }

    [Theory]
    [InlineData("The Pro plan now costs 49 dollars per month.", true)]
    [InlineData("49 dollars", true)]
    [InlineData("It costs 39 dollars.", false)]
    [InlineData("39 dollars.", false)] // half its words are the expected answer's, but not the number that changed
    [InlineData("49 US dollars", true)] // not the expected words in a row, but the number and most of them
    public void Expected_answer_detection(string answer, bool expected) =>
        Assert.Equal(expected, FreshnessProbe.ShowsExpected(answer, "49 dollars"));
}
