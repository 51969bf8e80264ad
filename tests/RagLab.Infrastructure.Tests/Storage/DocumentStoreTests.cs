using RagLab.Core.Ingestion;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Storage;

public sealed class SqliteDocumentStoreTests : DocumentStoreTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(TestDatabase.Sqlite());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresDocumentStoreTests(PostgresServer server) : DocumentStoreTests
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgresAsync(server);
}

/// <summary>The document store, the same code on SQLite and on Postgres.</summary>
public abstract class DocumentStoreTests : StoreTestBase
{
    private SqlDocumentStore _store = null!;

    protected override Task InitializeStoreAsync()
    {
        _store = new SqlDocumentStore(Engine.Database);
        return Task.CompletedTask;
    }

    private static DocumentRecord Document(string name, DocumentStatus status = DocumentStatus.Ready, string collection = "default") =>
        new(DocumentIds.ForDocument(collection, name), collection, name, status, 0, 10, new string('a', 64), DateTimeOffset.UnixEpoch);

    private static Chunk ChunkOf(DocumentRecord document, int position, string text) =>
        new(DocumentIds.ForChunk(document.Id, position, text), document.Id, document.Name, document.Collection, position, "A > B", text, position * 10, position * 10 + text.Length);

    [Fact]
    public async Task Replacing_content_swaps_all_chunks_and_keeps_embeddings()
    {
        var document = Document("a.md");
        var old = new[] { ChunkOf(document, 0, "old one"), ChunkOf(document, 1, "old two") };
        await _store.ReplaceContentAsync(document, "old one old two", old, null, default);
        var fresh = new[] { ChunkOf(document, 0, "new") };
        await _store.ReplaceContentAsync(document with { Chunks = 1 }, "new", fresh, new Dictionary<string, float[]> { [fresh[0].Id] = [0.5f, -1f] }, default);

        var chunks = await _store.GetChunksAsync(document.Id, default);
        Assert.Equal(fresh, chunks);
        Assert.Equal("new", await _store.GetTextAsync(document.Id, default));
        var all = await _store.ReadAllChunksAsync(null, default).ToListAsync();
        var (chunk, embedding) = Assert.Single(all);
        Assert.Equal(fresh[0], chunk);
        Assert.Equal([0.5f, -1f], Assert.IsType<float[]>(embedding));
        Assert.Equal(1, (await _store.GetAsync(document.Id, default))!.Chunks);
    }

    [Fact]
    public async Task Chunks_are_read_back_by_id_in_one_call_and_missing_ids_are_left_out()
    {
        var document = Document("a.md");
        var chunks = new[] { ChunkOf(document, 0, "one"), ChunkOf(document, 1, "two"), ChunkOf(document, 2, "three") };
        await _store.ReplaceContentAsync(document, "one two three", chunks, null, default);

        var read = await _store.GetChunksByIdAsync([chunks[2].Id, "no-such-chunk", chunks[0].Id], default);

        Assert.Equal([chunks[0], chunks[2]], read.OrderBy(c => c.Position));
    }

    [Fact]
    public async Task Each_vector_records_its_model_and_a_collection_holding_another_models_vectors_waits_for_its_reembed()
    {
        var document = Document("models.md", collection: "mixed");
        var chunks = new[] { ChunkOf(document, 0, "by ollama"), ChunkOf(document, 1, "by nomic"), ChunkOf(document, 2, "not yet") };
        await _store.ReplaceContentAsync(document, "text", chunks, new ModelEmbeddings("all-minilm:latest") { [chunks[0].Id] = [1f] }, default);
        await _store.SaveEmbeddingsAsync(new Dictionary<string, float[]> { [chunks[1].Id] = [2f] }, "nomic-embed-text", DateTimeOffset.UnixEpoch, default);
        var fresh = Document("fresh.md", collection: "fresh");
        var freshChunk = ChunkOf(fresh, 0, "no vector");
        await _store.ReplaceContentAsync(fresh, "no vector", [freshChunk], null, default);

        // Ollama's all-minilm and the bundled all-MiniLM-L6-v2 are one model; nomic's vector is another's.
        Assert.Equal([new CollectionVectorModel("mixed", "all-minilm-l6-v2", 1), new CollectionVectorModel("mixed", "nomic-embed-text", 1)],
            await _store.GetVectorModelsAsync(null, default));
        // The background embedder leaves the mixed collection alone (even its chunk without a vector): only its re-embed touches it.
        Assert.Equal([freshChunk.Id], (await _store.GetChunksWithoutEmbeddingAsync(10, "all-MiniLM-L6-v2", default)).Select(c => c.Id));
        Assert.Equal(1, await _store.CountChunksWithoutEmbeddingAsync("all-MiniLM-L6-v2", default));
        var toReembed = await _store.GetChunksToReembedAsync("mixed", 10, "all-MiniLM-L6-v2", default);
        Assert.Equal([chunks[1].Id, chunks[2].Id], toReembed.Select(c => c.Id));
        Assert.Equal(2, await _store.CountChunksToReembedAsync("mixed", "all-minilm", default));

        var reembeddedAt = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await _store.SaveEmbeddingsAsync(toReembed.ToDictionary(c => c.Id, _ => new[] { 3f }), "all-MiniLM-L6-v2", reembeddedAt, default);

        Assert.Equal([new CollectionVectorModel("mixed", "all-minilm-l6-v2", 3)], await _store.GetVectorModelsAsync("mixed", default));
        Assert.Equal(0, await _store.CountChunksToReembedAsync("mixed", "all-minilm", default));
        Assert.Equal(3, await _store.CountChunksToReembedAsync("mixed", "nomic-embed-text", default));
        // The document is marked changed, so another process's index loader reads its new vectors.
        Assert.Equal(reembeddedAt, (await _store.GetAsync(document.Id, default))!.UpdatedAt);
        Assert.Equal(DateTimeOffset.UnixEpoch, (await _store.GetAsync(fresh.Id, default))!.UpdatedAt);
    }

    [Fact]
    public async Task Only_chunks_of_ready_documents_are_loaded_into_indexes()
    {
        var ready = Document("ready.txt");
        var failed = Document("failed.txt", DocumentStatus.Failed);
        await _store.ReplaceContentAsync(ready, "x", [ChunkOf(ready, 0, "x")], null, default);
        await _store.ReplaceContentAsync(failed, "y", [ChunkOf(failed, 0, "y")], null, default);

        var loaded = await _store.ReadAllChunksAsync(null, default).Select(c => c.Chunk.DocumentName).ToListAsync();
        Assert.Equal(["ready.txt"], loaded);
    }

    [Fact]
    public async Task Delete_removes_document_and_chunks_and_list_filters_by_collection()
    {
        var a = Document("a.txt", collection: "one");
        var b = Document("b.txt", collection: "two");
        await _store.ReplaceContentAsync(a, "x", [ChunkOf(a, 0, "x")], null, default);
        await _store.ReplaceContentAsync(b, "y", [ChunkOf(b, 0, "y")], null, default);

        Assert.True(await _store.DeleteAsync(a.Id, default));
        Assert.False(await _store.DeleteAsync(a.Id, default));
        Assert.Null(await _store.GetAsync(a.Id, default));
        Assert.Empty(await _store.GetChunksAsync(a.Id, default));
        Assert.Equal(["b.txt"], (await _store.ListAsync("two", default)).Select(d => d.Name));
        Assert.Empty(await _store.ListAsync("one", default));
        Assert.Equal(["two"], await _store.ListCollectionsAsync(default));
    }

    [Fact]
    public async Task Generations_start_at_zero_and_count_up_per_collection()
    {
        Assert.Equal(0, await _store.GetGenerationAsync("x", default));
        Assert.Equal(1, await _store.BumpGenerationAsync("x", default));
        Assert.Equal(2, await _store.BumpGenerationAsync("x", default));
        Assert.Equal(2, await _store.GetGenerationAsync("x", default));
        Assert.Equal(0, await _store.GetGenerationAsync("y", default));
    }

    [Fact]
    public async Task Metadata_round_trips_including_errors_and_warnings()
    {
        var document = Document("scan.pdf", DocumentStatus.Failed) with { Error = "boom", JobId = "j1", Warnings = ["no text"] };
        await _store.SaveAsync(document, default);
        Assert.Equal(document with { Warnings = null }, (await _store.GetAsync(document.Id, default))! with { Warnings = null });
        Assert.Equal(["no text"], (await _store.GetAsync(document.Id, default))!.Warnings);
    }

    [Fact]
    public async Task Bulk_writes_skip_documents_replaced_meanwhile_and_mark_ready_bumps_the_generation_once()
    {
        var kept = Document("kept.md", DocumentStatus.Indexing);
        var replaced = Document("replaced.md", DocumentStatus.Indexing);
        await _store.SaveManyAsync([kept, replaced], default);
        Assert.True(await _store.IsContentReferencedAsync(kept.ContentHash, default));
        // A newer upload of replaced.md lands while the batch runs.
        var newer = replaced with { ContentHash = new string('b', 64), UpdatedAt = DateTimeOffset.UnixEpoch.AddHours(1) };
        await _store.SaveAsync(newer, default);

        var written = await _store.ReplaceContentManyAsync(
        [
            new DocumentContent(kept with { Chunks = 1 }, "kept text", [ChunkOf(kept, 0, "kept text")], null),
            new DocumentContent(replaced with { Chunks = 1 }, "old text", [ChunkOf(replaced, 0, "old text")], null),
        ], default);
        var marked = await _store.MarkReadyAsync("default", [kept, replaced], default);

        Assert.Equal([kept.Id], written);
        Assert.Equal([kept.Id], marked);
        Assert.Equal(1, await _store.GetGenerationAsync("default", default));
        Assert.Equal(DocumentStatus.Ready, (await _store.GetAsync(kept.Id, default))!.Status);
        Assert.Equal(newer, await _store.GetAsync(replaced.Id, default));
        Assert.Empty(await _store.GetChunksAsync(replaced.Id, default));
        Assert.False(await _store.IsContentReferencedAsync(new string('c', 64), default));
    }

    [Fact]
    public async Task Another_process_sees_what_this_one_committed()
    {
        var document = Document("shared.md");
        await _store.ReplaceContentAsync(document with { Chunks = 1 }, "shared", [ChunkOf(document, 0, "shared")], null, default);
        await _store.BumpGenerationAsync("default", default);

        var other = new SqlDocumentStore(Engine.OpenAnother());

        Assert.Equal(1, await other.GetGenerationAsync("default", default));
        Assert.Equal("shared", Assert.Single(await other.GetChunksAsync(document.Id, default)).Text);
        Assert.Equal(2, await other.BumpGenerationAsync("default", default));
        Assert.Equal(2, await _store.GetGenerationAsync("default", default));
    }

    [Fact]
    public async Task Documents_list_in_ordinal_order_of_collection_then_name()
    {
        foreach (var (name, collection) in new[] { ("b.md", "x"), ("B.md", "x"), ("a.md", "x"), ("z.md", "W") })
            await _store.SaveAsync(Document(name, collection: collection), default);

        Assert.Equal(["W/z.md", "x/B.md", "x/a.md", "x/b.md"], (await _store.ListAsync(null, default)).Select(d => $"{d.Collection}/{d.Name}"));
        Assert.Equal(["W", "x"], await _store.ListCollectionsAsync(default));
    }

    [Fact]
    public async Task A_document_and_its_chunks_carry_the_groups_that_may_read_it()
    {
        var document = (await _store.SaveNewVersionsAsync([Document("pay.md", DocumentStatus.Indexing) with { Groups = ["finance", "hr"] }], default))[0];
        var chunks = new[] { ChunkOf(document, 0, "one"), ChunkOf(document, 1, "two") };
        await _store.ReplaceContentAsync(document with { Status = DocumentStatus.Ready }, "one two", chunks, null, default);
        var open = Document("open.md");
        await _store.ReplaceContentAsync(open, "open", [ChunkOf(open, 0, "open")], null, default);

        Assert.Equal(["finance", "hr"], (await _store.GetAsync(document.Id, default))!.Groups);
        Assert.Null((await _store.GetAsync(open.Id, default))!.Groups);
        Assert.All(await _store.GetChunksAsync(document.Id, default), c => Assert.Equal(["finance", "hr"], c.Groups));
        Assert.Equal(["finance", "hr"], (await _store.GetChunkAsync(chunks[1].Id, default))!.Groups);
        var byId = await _store.GetChunksByIdAsync([chunks[0].Id, DocumentIds.ForChunk(open.Id, 0, "open")], default);
        Assert.Equal(["finance", "hr"], byId.Single(c => c.DocumentId == document.Id).Groups);
        Assert.Null(byId.Single(c => c.DocumentId == open.Id).Groups);
        var all = await _store.ReadAllChunksAsync("default", default).ToListAsync();
        Assert.Equal(3, all.Count);
        Assert.Equal(["finance", "hr"], all.First(row => row.Chunk.DocumentId == document.Id).Chunk.Groups);
        Assert.Null(all.Single(row => row.Chunk.DocumentId == open.Id).Chunk.Groups);

        // A version-checked write takes the new groups; an empty list is stored as "everyone".
        Assert.True(await _store.SaveIfVersionAsync(document with { Groups = ["legal"] }, document.Version, default));
        Assert.Equal(["legal"], (await _store.GetAsync(document.Id, default))!.Groups);
        await _store.SaveAsync(document with { Groups = [] }, default);
        Assert.Null((await _store.GetAsync(document.Id, default))!.Groups);
    }

    [Fact]
    public async Task A_database_made_before_documents_had_groups_upgrades_with_every_document_readable_by_everyone()
    {
        var dialect = Engine.Database.Dialect;
        await using (var connection = await Engine.Database.OpenAsync(default))
        await using (var command = connection.CreateCommand())
        {
            // The documents table as it was before reader groups.
            command.CommandText = $"""
                CREATE TABLE documents (
                    id TEXT PRIMARY KEY, collection {dialect.OrdinalText} NOT NULL, name {dialect.OrdinalText} NOT NULL, status TEXT NOT NULL,
                    chunks INTEGER NOT NULL, bytes BIGINT NOT NULL, content_hash TEXT NOT NULL, updated_at TEXT NOT NULL,
                    error TEXT NULL, job_id TEXT NULL, warnings TEXT NULL, text TEXT NULL, version BIGINT NOT NULL DEFAULT 0,
                    UNIQUE (collection, name));
                INSERT INTO documents (id, collection, name, status, chunks, bytes, content_hash, updated_at, version)
                VALUES ('{DocumentIds.ForDocument("default", "old.md")}', 'default', 'old.md', 'ready', 0, 10, 'aaaa', '2020-01-01T00:00:00.0000000+00:00', 1);
                """;
            await command.ExecuteNonQueryAsync();
        }

        var old = await _store.GetAsync(DocumentIds.ForDocument("default", "old.md"), default);

        Assert.NotNull(old);
        Assert.Null(old.Groups);
        await _store.SaveAsync(old with { Groups = ["hr"] }, default);
        Assert.Equal(["hr"], (await _store.ListAsync("default", default)).Single().Groups);
    }

    [Fact]
    public async Task A_collection_keeps_its_default_groups_until_they_are_cleared()
    {
        var access = new SqlCollectionAccessStore(Engine.Database);

        Assert.Null(await access.GetDefaultGroupsAsync("docs", default));
        await access.SetDefaultGroupsAsync("docs", ["finance", "hr"], default);
        await access.SetDefaultGroupsAsync("other", ["legal"], default);
        Assert.Equal(["finance", "hr"], await access.GetDefaultGroupsAsync("docs", default));
        await access.SetDefaultGroupsAsync("docs", ["hr"], default);
        Assert.Equal(["hr"], await access.GetDefaultGroupsAsync("docs", default));
        await access.SetDefaultGroupsAsync("docs", null, default);
        Assert.Null(await access.GetDefaultGroupsAsync("docs", default));
        Assert.Equal(["legal"], await access.GetDefaultGroupsAsync("other", default));
    }
}
