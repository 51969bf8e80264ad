using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagLab.Core.Caching;
using RagLab.Core.Ingestion;
using RagLab.Core.Ingestion.Chunking;
using RagLab.Core.Ingestion.Parsers;
using RagLab.Core.Jobs;
using RagLab.Core.Retrieval;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.Indexing;
using RagLab.Infrastructure.Jobs;

namespace RagLab.Core.Tests.Ingestion;

/// <summary>
/// The embedded ingestion stack over a temporary data directory (SQLite store, blobs, in-process BM25), with no model
/// connected. <see cref="Restart"/> drops the in-process indexes as a process exit would.
/// </summary>
public sealed class BulkIngestionFixture : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raglab-bulk-" + Guid.NewGuid().ToString("n"));

    public BulkIngestionFixture(long maxUploadBytes = 1024 * 1024)
    {
        Database = new SqliteDatabase(Path.Combine(_directory, "raglab.db"));
        Documents = new SqlDocumentStore(Database);
        Jobs = new SqlJobStore(Database, TimeProvider.System);
        Content = new ContentStore(Path.Combine(_directory, "blobs"));
        Options = Microsoft.Extensions.Options.Options.Create(new IngestionOptions { MaxUploadBytes = maxUploadBytes });
        Restart();
    }

    public SqliteDatabase Database { get; }
    public SqlDocumentStore Documents { get; }
    public SqlJobStore Jobs { get; }
    public ContentStore Content { get; }
    public ChannelJobQueue Queue { get; } = new();
    public IOptions<IngestionOptions> Options { get; }
    public MemoryAnswerCache Cache { get; } = new(TimeProvider.System);
    public DocumentParserRegistry Parsers { get; } = DocumentParserRegistry.CreateDefault();

    public Bm25Index Lexical { get; private set; } = null!;
    public ChunkIndexWriter Indexes { get; private set; } = null!;
    public IngestionPipeline Pipeline { get; private set; } = null!;
    public DocumentLocks Locks { get; } = new();
    public IngestionService Service { get; private set; } = null!;
    public IngestBatchJobHandler BatchHandler { get; private set; } = null!;

    /// <summary>Fresh in-process indexes and services, as after a process restart (the indexes are not reloaded yet).</summary>
    public void Restart()
    {
        Lexical = new Bm25Index(Documents);
        Indexes = new ChunkIndexWriter(Lexical, new ExactVectorIndex());
        var chunking = new ChunkingOptions();
        Pipeline = new IngestionPipeline(Documents, Content, Parsers, new StructuredChunker(chunking),
            Microsoft.Extensions.Options.Options.Create(chunking), new NoModels(), Indexes, Cache, Options, Locks, TimeProvider.System,
            NullLogger<IngestionPipeline>.Instance);
        Service = new IngestionService(Documents, Jobs, Queue, Content, Parsers, Pipeline, Indexes, Cache, Options, Locks, TimeProvider.System, NullLogger<IngestionService>.Instance);
        BatchHandler = new IngestBatchJobHandler(Pipeline, Documents, TimeProvider.System, NullLogger<IngestBatchJobHandler>.Instance);
    }

    /// <summary>Rebuilds the in-process indexes from the store, as the embedded host does at start.</summary>
    public Task ReloadIndexesAsync() =>
        new EmbeddedIndexLoader(Documents, Indexes, Microsoft.Extensions.Options.Options.Create(new RagLabOptions()), NullLogger<EmbeddedIndexLoader>.Instance).StartAsync(CancellationToken.None);

    /// <summary>Runs a queued job to completion the way the job processor does (marking it running, then succeeded).</summary>
    public async Task<JobRecord> RunJobAsync(string jobId)
    {
        var processor = new JobProcessor(Queue, Jobs, [BatchHandler], Microsoft.Extensions.Options.Options.Create(new JobOptions()), NullLogger<JobProcessor>.Instance);
        await processor.ProcessAsync(new JobLease(jobId, IngestBatchJobHandler.JobKind, jobId), CancellationToken.None);
        return (await Jobs.GetAsync(jobId, CancellationToken.None))!;
    }

    public async Task<IReadOnlyList<string>> SearchAsync(string collection, string query) =>
        (await Lexical.SearchAsync(collection, query, 50, CancellationToken.None)).Select(h => h.Chunk.DocumentName).ToList();

    public static async IAsyncEnumerable<DocumentUpload> Uploads(params (string Name, string Text)[] documents)
    {
        foreach (var (name, text) in documents)
        {
            await Task.Yield();
            yield return DocumentUpload.FromText(name, text);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
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
