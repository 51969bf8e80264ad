using System.Collections.Concurrent;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using RagLab.Core.Ingestion;
using RagLab.Core.Ingestion.Chunking;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;

namespace RagLab.Core.Tests.Ingestion;

/// <summary>
/// Version-checked writes, made deterministic: the index pauses inside the job's index write (the window between the
/// store write and "ready"), and a delete or a newer upload lands in it, from this process or from another one.
/// </summary>
public sealed class DocumentVersionTests : IDisposable
{
    private const string Collection = "default";
    private readonly BulkIngestionFixture _lab = new();
    private readonly PausingLexicalIndex _index;
    private readonly ChunkIndexWriter _indexes;

    public DocumentVersionTests()
    {
        _index = new PausingLexicalIndex(new Bm25Index(_lab.Documents));
        _indexes = new ChunkIndexWriter(_index, new ExactVectorIndex());
    }

    public void Dispose() => _lab.Dispose();

    /// <summary>One process's ingestion objects over the shared store and index (like the Api and a Worker on one Qdrant).</summary>
    private sealed record Process(IngestionService Service, IngestBatchJobHandler Handler);

    private Process StartProcess(DocumentLocks locks)
    {
        var chunking = new ChunkingOptions();
        var pipeline = new IngestionPipeline(_lab.Documents, _lab.Content, _lab.Parsers, new StructuredChunker(chunking),
            Microsoft.Extensions.Options.Options.Create(chunking), new NoModels(), _indexes, _lab.Cache, _lab.Options, locks,
            TimeProvider.System, NullLogger<IngestionPipeline>.Instance);
        var service = new IngestionService(_lab.Documents, _lab.Jobs, _lab.Queue, _lab.Content, _lab.Parsers, pipeline, _indexes,
            _lab.Cache, _lab.Options, locks, TimeProvider.System, NullLogger<IngestionService>.Instance);
        return new Process(service, new IngestBatchJobHandler(pipeline, _lab.Documents, TimeProvider.System, NullLogger<IngestBatchJobHandler>.Instance));
    }

    private static string Text(string tag) => $"# Policy\n\nRefunds under the {tag} policy take {tag.Length} days.\n\n## Shipping\n\nShipping under {tag} is free.";

    private static async Task<IngestionReceipt> UploadAsync(Process process, string tag) =>
        await process.Service.SubmitAsync(Collection, "policy.md", new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Text(tag))), CancellationToken.None);

    private async Task RunJobAsync(Process process, string jobId) =>
        await process.Handler.RunAsync((await _lab.Jobs.GetAsync(jobId, CancellationToken.None))!, NoProgress.Instance, CancellationToken.None);

    private async Task<HashSet<string>> StoredChunkIdsAsync(string documentId) =>
        (await _lab.Documents.GetChunksAsync(documentId, CancellationToken.None)).Select(c => c.Id).ToHashSet();

    [Fact]
    public async Task A_delete_from_another_process_during_indexing_wins_and_the_index_keeps_nothing()
    {
        var worker = StartProcess(new DocumentLocks());
        var api = StartProcess(new DocumentLocks());
        var receipt = await UploadAsync(api, "alpha");

        var pause = _index.PauseNextAdd();
        var job = RunJobAsync(worker, receipt.JobId!);
        await pause.Entered;                       // the job stored its chunks and is writing the index
        Assert.True(await api.Service.DeleteAsync(receipt.DocumentId, CancellationToken.None));
        pause.Release();
        await job;

        Assert.Null(await _lab.Documents.GetAsync(receipt.DocumentId, CancellationToken.None));
        Assert.Empty(_index.ChunksOf(receipt.DocumentId));
        Assert.Empty(await _index.SearchAsync(Collection, "alpha refunds", 10, ReaderScope.Everything, CancellationToken.None));
    }

    [Fact]
    public async Task A_delete_in_the_same_process_waits_for_the_commit_and_then_removes_everything()
    {
        var process = StartProcess(new DocumentLocks());
        var receipt = await UploadAsync(process, "alpha");

        var pause = _index.PauseNextAdd();
        var job = RunJobAsync(process, receipt.JobId!);
        await pause.Entered;
        var delete = process.Service.DeleteAsync(receipt.DocumentId, CancellationToken.None);
        await Task.Yield();
        Assert.False(delete.IsCompleted, "the delete must wait for the document's commit");
        pause.Release();
        await job;
        Assert.True(await delete);

        Assert.Null(await _lab.Documents.GetAsync(receipt.DocumentId, CancellationToken.None));
        Assert.Empty(_index.ChunksOf(receipt.DocumentId));
    }

    [Fact]
    public async Task A_newer_upload_during_the_first_versions_indexing_leaves_only_the_newer_version_in_the_index()
    {
        foreach (var sameProcess in new[] { true, false })
        {
            var first = StartProcess(new DocumentLocks());
            var second = sameProcess ? first : StartProcess(new DocumentLocks());
            var name = sameProcess ? "one" : "two";
            var v1 = await UploadAsync(first, name + "first");

            var pause = _index.PauseNextAdd();
            var job1 = RunJobAsync(first, v1.JobId!);
            await pause.Entered;
            var v2 = await UploadAsync(second, name + "second"); // accepted while version 1 is being indexed
            pause.Release();
            await job1;
            await RunJobAsync(second, v2.JobId!);

            var stored = await _lab.Documents.GetAsync(v2.DocumentId, CancellationToken.None);
            Assert.Equal(DocumentStatus.Ready, stored!.Status);
            Assert.Equal(DocumentIds.ContentHash(System.Text.Encoding.UTF8.GetBytes(Text(name + "second"))), stored.ContentHash);
            var storedChunks = await StoredChunkIdsAsync(v2.DocumentId);
            Assert.Equal(storedChunks, _index.ChunksOf(v2.DocumentId));
            Assert.Equal(stored.Chunks, storedChunks.Count);
        }
    }

    [Fact]
    public async Task An_older_versions_job_that_runs_after_the_newer_one_writes_nothing()
    {
        var process = StartProcess(new DocumentLocks());
        var v1 = await UploadAsync(process, "older");
        var v2 = await UploadAsync(process, "newer");
        await RunJobAsync(process, v2.JobId!);
        var before = await StoredChunkIdsAsync(v2.DocumentId);

        // The older job still names its document at version 1 (a job that listed its record before the newer upload).
        var v1Record = (await _lab.Documents.GetAsync(v1.DocumentId, CancellationToken.None))! with { Version = 1, JobId = v1.JobId,
            ContentHash = DocumentIds.ContentHash(System.Text.Encoding.UTF8.GetBytes(Text("older"))), Status = DocumentStatus.Queued };
        var pipelineOutcome = await NewPipeline().IndexAsync(Collection, [v1Record], null, null, CancellationToken.None);

        Assert.Equal(1, pipelineOutcome.Superseded);
        Assert.Equal(before, await StoredChunkIdsAsync(v2.DocumentId));
        Assert.Equal(before, _index.ChunksOf(v2.DocumentId));
        Assert.Equal(2, (await _lab.Documents.GetAsync(v2.DocumentId, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task Versions_keep_counting_after_a_delete_so_a_re_upload_never_matches_an_old_job()
    {
        var process = StartProcess(new DocumentLocks());
        var first = await UploadAsync(process, "alpha");
        Assert.True(await process.Service.DeleteAsync(first.DocumentId, CancellationToken.None));
        var again = await UploadAsync(process, "alpha");
        Assert.Equal(2, (await _lab.Documents.GetAsync(again.DocumentId, CancellationToken.None))!.Version);

        await RunJobAsync(process, first.JobId!); // the deleted version's job: finds nothing of its own
        Assert.Equal(DocumentStatus.Queued, (await _lab.Documents.GetAsync(again.DocumentId, CancellationToken.None))!.Status);
        await RunJobAsync(process, again.JobId!);
        Assert.Equal(DocumentStatus.Ready, (await _lab.Documents.GetAsync(again.DocumentId, CancellationToken.None))!.Status);
    }

    private IngestionPipeline NewPipeline()
    {
        var chunking = new ChunkingOptions();
        return new IngestionPipeline(_lab.Documents, _lab.Content, _lab.Parsers, new StructuredChunker(chunking),
            Microsoft.Extensions.Options.Options.Create(chunking), new NoModels(), _indexes, _lab.Cache, _lab.Options, new DocumentLocks(),
            TimeProvider.System, NullLogger<IngestionPipeline>.Instance);
    }

    /// <summary>A BM25 index that records which chunks it holds per document, and can hold one add until released.</summary>
    private sealed class PausingLexicalIndex(ILexicalIndex inner) : ILexicalIndex
    {
        private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _held = new();
        private Pause? _next;

        public Pause PauseNextAdd() => _next = new Pause();

        public HashSet<string> ChunksOf(string documentId) =>
            _held.TryGetValue(documentId, out var chunks) ? chunks.Keys.ToHashSet() : [];

        public async Task AddAsync(IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref _next, null) is { } pause) await pause.HoldAsync();
            foreach (var chunk in chunks) _held.GetOrAdd(chunk.DocumentId, _ => new())[chunk.Id] = 0;
            await inner.AddAsync(chunks, cancellationToken);
        }

        public async Task DeleteDocumentAsync(string collection, string documentId, CancellationToken cancellationToken)
        {
            _held.TryRemove(documentId, out _);
            await inner.DeleteDocumentAsync(collection, documentId, cancellationToken);
        }

        public Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, string query, int topK, ReaderScope scope, CancellationToken cancellationToken) =>
            inner.SearchAsync(collection, query, topK, scope, cancellationToken);
    }

    private sealed class Pause
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Release() => _released.TrySetResult();

        public Task HoldAsync()
        {
            _entered.TrySetResult();
            return _released.Task;
        }
    }

    private sealed class NoProgress : IJobProgress
    {
        public static readonly NoProgress Instance = new();

        public Task ReportAsync(double fraction, string? message, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NoModels : IModelProvider
    {
        public ValueTask<IChatClient?> GetChatClientAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IChatClient?>(null);

        public ValueTask<IEmbeddingGenerator<string, Embedding<float>>?> GetEmbeddingGeneratorAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IEmbeddingGenerator<string, Embedding<float>>?>(null);

        public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new ModelStatus("none", null, null, false, null, false, "no model in tests"));
    }
}
