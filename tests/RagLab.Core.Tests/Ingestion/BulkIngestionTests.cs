using RagLab.Core.Ingestion;
using RagLab.Core.Jobs;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Ingestion;

public sealed class BulkIngestionTests : IDisposable
{
    private const string Collection = "papers";
    private readonly BulkIngestionFixture _lab = new(maxUploadBytes: 4096);

    public void Dispose() => _lab.Dispose();

    private static (string, string)[] Papers(int count) =>
        Enumerable.Range(0, count).Select(i => ($"paper{i:D3}.txt", $"Paper {i}\n\nThe finding number{i} concerns zebrafish{i % 3} regeneration.")).ToArray();

    private Task<BulkIngestionReceipt> SubmitAsync(params (string Name, string Text)[] documents) =>
        _lab.Service.SubmitManyAsync(Collection, BulkIngestionFixture.Uploads(documents), null, CancellationToken.None);

    private async Task<int> StoredChunkCountAsync()
    {
        var total = 0;
        foreach (var document in await _lab.Documents.ListAsync(Collection, CancellationToken.None))
        {
            var chunks = await _lab.Documents.GetChunksAsync(document.Id, CancellationToken.None);
            Assert.Equal(chunks.Count, chunks.Select(c => c.Position).Distinct().Count());
            total += chunks.Count;
        }
        return total;
    }

    [Fact]
    public async Task Bad_uploads_are_reported_one_by_one_and_the_rest_is_indexed_by_one_job()
    {
        var receipt = await SubmitAsync(
            ("guide.md", "# Setup\n\nInstall the flux capacitor first."),
            ("tool.exe", "MZ binary"),
            ("", "no name"),
            ("notes.txt", "The warranty lasts two years."),
            ("notes.txt", "A second file with the same name."),
            ("huge.txt", new string('x', 5000)));

        Assert.Equal(["guide.md", "notes.txt"], receipt.Documents.Select(d => d.Name));
        Assert.All(receipt.Documents, d => Assert.Equal(DocumentStatus.Queued, d.Status));
        Assert.All(receipt.Documents, d => Assert.Equal(receipt.JobId, d.JobId));
        Assert.Equal(["tool.exe", "", "notes.txt", "huge.txt"], receipt.Rejected.Select(r => r.Name));
        Assert.Contains("unsupported file type", receipt.Rejected[0].Error);
        Assert.Contains("more than once", receipt.Rejected[2].Error);
        Assert.Contains("upload limit", receipt.Rejected[3].Error);
        var job = Assert.Single(await _lab.Jobs.ListAsync(IngestBatchJobHandler.JobKind, 10, CancellationToken.None));
        Assert.Equal(receipt.JobId, job.Id);

        Assert.Equal(JobStatus.Succeeded, (await _lab.RunJobAsync(job.Id)).Status);
        var stored = await _lab.Documents.ListAsync(Collection, CancellationToken.None);
        Assert.Equal(2, stored.Count);
        Assert.All(stored, d => Assert.Equal(DocumentStatus.Ready, d.Status));
        Assert.Equal(["notes.txt"], await _lab.SearchAsync(Collection, "warranty"));
        Assert.Equal(["guide.md"], await _lab.SearchAsync(Collection, "flux capacitor"));
        Assert.Equal(1, await _lab.Documents.GetGenerationAsync(Collection, CancellationToken.None));
    }

    [Fact]
    public async Task Resubmitting_unchanged_documents_creates_no_job_and_a_change_reindexes_only_that_document()
    {
        var first = await SubmitAsync(("a.txt", "Alpha talks about kelp."), ("b.txt", "Beta talks about coral."));
        await _lab.RunJobAsync(first.JobId!);

        var again = await SubmitAsync(("a.txt", "Alpha talks about kelp."), ("b.txt", "Beta talks about coral."));
        Assert.Null(again.JobId);
        Assert.Equal(2, again.Unchanged);
        Assert.All(again.Documents, d => Assert.Equal(DocumentStatus.Ready, d.Status));
        Assert.Single(await _lab.Jobs.ListAsync(IngestBatchJobHandler.JobKind, 10, CancellationToken.None));

        var changed = await SubmitAsync(("a.txt", "Alpha talks about kelp."), ("b.txt", "Beta now talks about plankton."));
        Assert.NotNull(changed.JobId);
        Assert.Equal(1, changed.Queued);
        Assert.Equal(1, changed.Unchanged);
        await _lab.RunJobAsync(changed.JobId!);

        Assert.Equal(["b.txt"], await _lab.SearchAsync(Collection, "plankton"));
        Assert.Empty(await _lab.SearchAsync(Collection, "coral"));
        Assert.Equal(["a.txt"], await _lab.SearchAsync(Collection, "kelp"));
        Assert.Equal(_lab.Lexical.Count(Collection), await StoredChunkCountAsync());
    }

    [Fact]
    public async Task Progress_counts_documents_done_out_of_the_total()
    {
        _lab.BatchHandler.BatchSize = 4;
        var receipt = await SubmitAsync(Papers(10));
        var job = (await _lab.Jobs.GetAsync(receipt.JobId!, CancellationToken.None))!;
        var progress = new MessageRecorder();

        await _lab.BatchHandler.RunAsync(job, progress, CancellationToken.None);

        Assert.Contains(progress.Reports, r => r.Message == "indexing: 4 of 10 documents done" && Math.Abs(r.Fraction - 0.4) < 1e-9);
        Assert.Contains(progress.Reports, r => r.Message == "indexing: 8 of 10 documents done");
        Assert.Equal(1.0, progress.Reports[^1].Fraction);
        Assert.Equal(progress.Reports.Select(r => r.Fraction).Order(), progress.Reports.Select(r => r.Fraction));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_job_interrupted_mid_way_converges_on_rerun_without_duplicate_chunks(bool processRestarts)
    {
        _lab.BatchHandler.BatchSize = 3;
        var receipt = await SubmitAsync(Papers(8));
        var job = (await _lab.Jobs.GetAsync(receipt.JobId!, CancellationToken.None))!;

        // The job dies once its first batch is stored and indexed.
        using var crash = new CancellationTokenSource();
        var dying = new MessageRecorder(onReport: r => { if (r.Message == "indexing: 3 of 8 documents done") crash.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _lab.BatchHandler.RunAsync(job, dying, crash.Token));
        var midway = await _lab.Documents.ListAsync(Collection, CancellationToken.None);
        Assert.Equal(3, midway.Count(d => d.Status == DocumentStatus.Ready));
        Assert.Equal(5, midway.Count(d => d.Status == DocumentStatus.Queued));

        if (processRestarts)
        {
            _lab.Restart();
            _lab.BatchHandler.BatchSize = 3;
            await _lab.ReloadIndexesAsync();
        }
        await _lab.BatchHandler.RunAsync(job with { Attempts = 1 }, new MessageRecorder(), CancellationToken.None);

        var done = await _lab.Documents.ListAsync(Collection, CancellationToken.None);
        Assert.All(done, d => Assert.Equal(DocumentStatus.Ready, d.Status));
        var storedChunks = await StoredChunkCountAsync();
        Assert.Equal(8, storedChunks);
        Assert.Equal(storedChunks, _lab.Lexical.Count(Collection));
        Assert.Equal(["paper007.txt"], await _lab.SearchAsync(Collection, "number7"));
    }

    [Fact]
    public async Task Deleting_a_bulk_document_removes_it_from_store_index_and_blobs()
    {
        var receipt = await SubmitAsync(("keep.txt", "Penguins huddle for warmth."), ("drop.txt", "Walruses use their tusks."));
        await _lab.RunJobAsync(receipt.JobId!);
        var drop = receipt.Documents.Single(d => d.Name == "drop.txt");
        var hash = (await _lab.Documents.GetAsync(drop.DocumentId, CancellationToken.None))!.ContentHash;
        Assert.True(await _lab.Content.ExistsAsync(hash, default));

        Assert.True(await _lab.Service.DeleteAsync(drop.DocumentId, CancellationToken.None));

        Assert.Empty(await _lab.SearchAsync(Collection, "walruses"));
        Assert.Null(await _lab.Documents.GetAsync(drop.DocumentId, CancellationToken.None));
        Assert.False(await _lab.Content.ExistsAsync(hash, default));
        Assert.Equal(["keep.txt"], await _lab.SearchAsync(Collection, "penguins"));
    }

    [Fact]
    public async Task A_document_deleted_before_its_batch_runs_is_not_brought_back()
    {
        var receipt = await SubmitAsync(("keep.txt", "Otters hold hands."), ("gone.txt", "Narwhals have one tusk."));
        var gone = receipt.Documents.Single(d => d.Name == "gone.txt");
        Assert.True(await _lab.Service.DeleteAsync(gone.DocumentId, CancellationToken.None));

        await _lab.RunJobAsync(receipt.JobId!);

        Assert.Null(await _lab.Documents.GetAsync(gone.DocumentId, CancellationToken.None));
        Assert.Empty(await _lab.SearchAsync(Collection, "narwhals"));
        Assert.Equal(["keep.txt"], await _lab.SearchAsync(Collection, "otters"));
    }

    [Fact]
    public async Task A_source_that_fails_mid_way_records_nothing()
    {
        static async IAsyncEnumerable<DocumentUpload> Broken()
        {
            yield return DocumentUpload.FromText("one.txt", "First document.");
            await Task.Yield();
            throw new InvalidDataException("corpus.jsonl, line 2: not valid JSON.");
        }

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _lab.Service.SubmitManyAsync(Collection, Broken(), null, CancellationToken.None));

        Assert.Contains("line 2", error.Message);
        Assert.Empty(await _lab.Documents.ListAsync(null, CancellationToken.None));
        Assert.Empty(await _lab.Jobs.ListAsync(null, 10, CancellationToken.None));
        Assert.False(await _lab.Content.ExistsAsync(DocumentIds.ContentHash("First document."u8), default));
    }

    [Fact]
    public async Task A_document_that_cannot_be_parsed_fails_alone()
    {
        var receipt = await _lab.Service.SubmitManyAsync(Collection, Mixed(), null, CancellationToken.None);
        await _lab.RunJobAsync(receipt.JobId!);

        var stored = (await _lab.Documents.ListAsync(Collection, CancellationToken.None)).ToDictionary(d => d.Name);
        Assert.Equal(DocumentStatus.Failed, stored["broken.docx"].Status);
        Assert.False(string.IsNullOrEmpty(stored["broken.docx"].Error));
        Assert.Equal(DocumentStatus.Ready, stored["fine.txt"].Status);

        static async IAsyncEnumerable<DocumentUpload> Mixed()
        {
            yield return new DocumentUpload("broken.docx", new MemoryStream("this is not a zip file"u8.ToArray()));
            await Task.Yield();
            yield return DocumentUpload.FromText("fine.txt", "Readable text about lichens.");
        }
    }

    [Fact]
    public async Task Documents_with_nothing_to_index_fail_with_the_reason_and_are_never_ready()
    {
        var receipt = await _lab.Service.SubmitManyAsync(Collection, Unindexable(), null, CancellationToken.None);
        await _lab.RunJobAsync(receipt.JobId!);

        var stored = (await _lab.Documents.ListAsync(Collection, CancellationToken.None)).ToDictionary(d => d.Name);
        Assert.Equal((DocumentStatus.Failed, 0), (stored["empty.txt"].Status, stored["empty.txt"].Chunks));
        Assert.Contains("is empty", stored["empty.txt"].Error);
        Assert.Equal(DocumentStatus.Failed, stored["spaces.md"].Status);
        Assert.Contains("No text found", stored["spaces.md"].Error);
        Assert.Equal(DocumentStatus.Failed, stored["image.txt"].Status);
        Assert.Contains("looks binary, not text", stored["image.txt"].Error);
        Assert.Equal(DocumentStatus.Ready, stored["fine.txt"].Status);
        Assert.Equal(["fine.txt"], await _lab.SearchAsync(Collection, "lichens"));

        static async IAsyncEnumerable<DocumentUpload> Unindexable()
        {
            yield return new DocumentUpload("empty.txt", new MemoryStream([]));
            yield return DocumentUpload.FromText("spaces.md", "  \n\n\t \n");
            await Task.Yield();
            yield return new DocumentUpload("image.txt", new MemoryStream([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D]));
            yield return DocumentUpload.FromText("fine.txt", "Readable text about lichens.");
        }
    }

    private sealed class MessageRecorder(Action<(double Fraction, string? Message)>? onReport = null) : IJobProgress
    {
        public List<(double Fraction, string? Message)> Reports { get; } = [];

        public Task ReportAsync(double fraction, string? message, CancellationToken cancellationToken)
        {
            Reports.Add((fraction, message));
            onReport?.Invoke((fraction, message));
            return Task.CompletedTask;
        }
    }
}
