using RagLab.Core.Ingestion;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Storage;

public sealed class SqliteDocumentStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "raglab-store-" + Guid.NewGuid().ToString("n"));
    private readonly SqliteDocumentStore _store;

    public SqliteDocumentStoreTests() => _store = new SqliteDocumentStore(new SqliteDatabase(Path.Combine(_dir, "raglab.db")));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
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
    public async Task Each_vector_records_its_model_and_only_vectors_from_another_model_need_embedding()
    {
        var document = Document("models.md");
        var chunks = new[] { ChunkOf(document, 0, "by ollama"), ChunkOf(document, 1, "by nomic"), ChunkOf(document, 2, "not yet") };
        await _store.ReplaceContentAsync(document, "text", chunks, new ModelEmbeddings("all-minilm:latest") { [chunks[0].Id] = [1f] }, default);
        await _store.SaveEmbeddingsAsync(new Dictionary<string, float[]> { [chunks[1].Id] = [2f] }, "nomic-embed-text", default);

        // Ollama's all-minilm and the bundled all-MiniLM-L6-v2 are one model: its vector stays; the other model's is redone.
        var missing = await _store.GetChunksWithoutEmbeddingAsync(10, "all-MiniLM-L6-v2", default);
        Assert.Equal([chunks[1].Id, chunks[2].Id], missing.Select(c => c.Id));
        Assert.Equal(2, await _store.CountChunksWithoutEmbeddingAsync("all-MiniLM-L6-v2", default));

        await _store.SaveEmbeddingsAsync(missing.ToDictionary(c => c.Id, _ => new[] { 3f }), "all-MiniLM-L6-v2", default);
        Assert.Equal(0, await _store.CountChunksWithoutEmbeddingAsync("all-minilm", default));
        Assert.Equal(3, await _store.CountChunksWithoutEmbeddingAsync("nomic-embed-text", default));
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
}
