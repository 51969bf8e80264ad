using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagLab.Core.Ingestion;
using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;
using RagLab.Infrastructure.Indexing;
using RagLab.Infrastructure.Storage;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Storage;

public sealed class SqliteIndexSyncTests : IndexSyncTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresIndexSyncTests(PostgresServer server) : IndexSyncTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgresAsync(server);
}

/// <summary>
/// The Api's in-process indexes follow what the Worker writes to the shared system of record (by the collection's
/// generation), on both engines: the Worker here is a second store on its own connection pool, writing as the pipeline does.
/// </summary>
public abstract class IndexSyncTests : StoreTestBase
{
    private const string Collection = "support";

    protected override Task InitializeStoreAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_api_index_picks_up_a_document_the_worker_indexed_and_drops_one_it_deleted()
    {
        var api = new SqlDocumentStore(Engine.Database);
        var worker = new SqlDocumentStore(Engine.OpenAnother());
        var vectors = Directory.CreateTempSubdirectory("raglab-vectors-");
        var bm25 = new Bm25Index(api);
        var exact = new ExactVectorIndex(new ExactVectorIndexOptions(vectors.FullName));
        // The background loop stays out of the way: the test drives each sync itself.
        var loader = new EmbeddedIndexLoader(api, new ChunkIndexWriter(bm25, exact), Options.Create(new RagLabOptions { IndexSyncInterval = TimeSpan.FromHours(1) }),
            NullLogger<EmbeddedIndexLoader>.Instance, exact);
        await loader.StartAsync(default);
        try
        {
            Assert.Empty(await bm25.SearchAsync(Collection, "refund window", 5, default));

            var refunds = await IndexOnWorkerAsync(worker, "refunds.md", "Refunds are accepted within a 30 day window.");
            await loader.SyncAsync(default);

            var hit = Assert.Single(await bm25.SearchAsync(Collection, "refund window", 5, default));
            Assert.Equal("refunds.md", hit.Chunk.DocumentName);

            await worker.DeleteAsync(refunds.Id, default);
            await worker.BumpGenerationAsync(Collection, default);
            await loader.SyncAsync(default);

            Assert.Empty(await bm25.SearchAsync(Collection, "refund window", 5, default));
        }
        finally
        {
            await loader.StopAsync(default);
            vectors.Delete(recursive: true);
        }
    }

    /// <summary>The ingestion pipeline's order: the record, then content while indexing, then ready and the generation bump together.</summary>
    private static async Task<DocumentRecord> IndexOnWorkerAsync(SqlDocumentStore worker, string name, string text)
    {
        var document = new DocumentRecord(DocumentIds.ForDocument(Collection, name), Collection, name, DocumentStatus.Indexing, 1, text.Length,
            new string('d', 64), DateTimeOffset.UtcNow);
        var chunk = new Chunk(DocumentIds.ForChunk(document.Id, 0, text), document.Id, name, Collection, 0, "", text, 0, text.Length);
        await worker.SaveManyAsync([document], default);
        await worker.ReplaceContentManyAsync([new DocumentContent(document, text, [chunk], null)], default);
        Assert.Equal([document.Id], await worker.MarkReadyAsync(Collection, [document], default));
        return document;
    }
}
