using System.Text.Json.Nodes;
using RagLab.Infrastructure.Qdrant;
using static RagLab.Infrastructure.Tests.Qdrant.QdrantTestContext;
using RagLab.Core.Kernel;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Qdrant;

public sealed class QdrantChunkIndexTests : IAsyncLifetime
{
    private const string UuidPattern = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ConceptEmbeddingGenerator _embeddings = new("cat", "dog", "rocket", "engine");
    private QdrantTestContext _context = null!;

    public async Task InitializeAsync() => _context = await StartAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task First_upsert_creates_the_collection_with_dense_and_idf_sparse_vectors_and_keyword_indexes()
    {
        var index = _context.CreateIndex();

        await index.UpsertAsync([Embed(MakeChunk("docs", "doc-a", 0, "The cat sat"), _embeddings)], None);

        var create = Assert.Single(_context.Server.Requests, r => r.Method == "PUT" && r.Path == "/collections/raglab-docs");
        var body = create.Json!.AsObject();
        Assert.Equal(["sparse_vectors", "vectors"], body.Select(p => p.Key).Order());
        Assert.Equal(_embeddings.Dimensions, (int)body["vectors"]!["dense"]!["size"]!);
        Assert.Equal("Cosine", (string?)body["vectors"]!["dense"]!["distance"]);
        Assert.Equal("idf", (string?)body["sparse_vectors"]!["bm25"]!["modifier"]);

        var indexes = _context.Server.Requests.Where(r => r.Method == "PUT" && r.Path == "/collections/raglab-docs/index").ToList();
        Assert.Equal(["collection", "document_id", "groups"], indexes.Select(r => (string)r.Json!["field_name"]!).Order());
        Assert.All(indexes, r => Assert.Equal("keyword", (string?)r.Json!["field_schema"]));
        Assert.All(_context.Server.Requests.Where(r => r.Method != "GET"), r => Assert.Equal(200, r.StatusCode));
    }

    [Fact]
    public async Task Upserted_point_has_a_uuid_id_both_vectors_and_the_chunk_as_payload()
    {
        var index = _context.CreateIndex();
        var chunk = MakeChunk("docs", "doc-a", 3, "The dog and the cat", heading: "Pets > Dogs");

        await index.UpsertAsync([Embed(chunk, _embeddings)], None);

        var upsert = Assert.Single(_context.Server.Requests, r => r.Path == "/collections/raglab-docs/points");
        Assert.Equal("PUT", upsert.Method);
        Assert.Equal("?wait=true", upsert.Query);
        var point = Assert.Single(upsert.Json!["points"]!.AsArray())!.AsObject();
        Assert.Equal(["id", "payload", "vector"], point.Select(p => p.Key).Order());
        Assert.Matches(UuidPattern, (string)point["id"]!);
        Assert.Equal(QdrantPointId.ForChunk(chunk.Id), (string)point["id"]!);
        Assert.Equal(_embeddings.Dimensions, point["vector"]!["dense"]!.AsArray().Count);
        Assert.Equal(["indices", "values"], point["vector"]!["bm25"]!.AsObject().Select(p => p.Key).Order());

        var payload = point["payload"]!.AsObject();
        Assert.Equal(
            ["chunk_id", "collection", "document_id", "document_name", "end", "groups", "heading_path", "position", "start", "text"],
            payload.Select(p => p.Key).Order());
        Assert.Equal(chunk.Id, (string)payload["chunk_id"]!);
        Assert.Equal("Pets > Dogs", (string)payload["heading_path"]!);
        Assert.Equal(3, (int)payload["position"]!);
    }

    [Fact]
    public async Task Collection_is_created_once_per_index_and_not_again_by_a_new_index()
    {
        var first = _context.CreateIndex();
        await first.UpsertAsync([Embed(MakeChunk("docs", "doc-a", 0, "cat"), _embeddings)], None);
        await first.UpsertAsync([Embed(MakeChunk("docs", "doc-b", 0, "dog"), _embeddings)], None);
        var second = _context.CreateIndex();
        await second.AddAsync([MakeChunk("docs", "doc-c", 0, "rocket")], None);
        await second.UpsertAsync([Embed(MakeChunk("docs", "doc-d", 0, "engine"), _embeddings)], None);

        var requests = _context.Server.Requests;
        Assert.Single(requests, r => r.Method == "PUT" && r.Path == "/collections/raglab-docs");
        Assert.Equal(3, requests.Count(r => r.Path.EndsWith("/index"))); // document_id, collection and groups
        // The second index learns the layout from one GET, then only writes points.
        Assert.Equal(2, requests.Count(r => r.Method == "GET" && r.Path == "/collections/raglab-docs"));
        Assert.Equal(4, _context.Server.Points("raglab-docs").Count);
    }

    [Fact]
    public async Task Upserts_are_sent_in_batches_of_batch_size()
    {
        var index = _context.CreateIndex();
        var chunks = Enumerable.Range(0, 300).Select(i => Embed(MakeChunk("docs", "doc-a", i, $"cat number {i}"), _embeddings)).ToList();

        await index.UpsertAsync(chunks, None);

        var batches = _context.Server.Requests.Where(r => r.Method == "PUT" && r.Path.EndsWith("/points")).ToList();
        Assert.Equal([128, 128, 44], batches.Select(r => r.Json!["points"]!.AsArray().Count));
        Assert.All(batches, b => Assert.Equal("?wait=true", b.Query));
        Assert.Equal(300, _context.Server.Points("raglab-docs").Count);
    }

    [Fact]
    public async Task Delete_document_removes_only_its_points_by_payload_filter()
    {
        var index = _context.CreateIndex();
        await index.UpsertAsync(
        [
            Embed(MakeChunk("docs", "doc-a", 0, "cat"), _embeddings),
            Embed(MakeChunk("docs", "doc-a", 1, "dog"), _embeddings),
            Embed(MakeChunk("docs", "doc-b", 0, "rocket"), _embeddings),
        ], None);

        await index.DeleteDocumentAsync("docs", "doc-a", None);

        var delete = Assert.Single(_context.Server.Requests, r => r.Path == "/collections/raglab-docs/points/delete");
        Assert.Equal("POST", delete.Method);
        Assert.Equal("?wait=true", delete.Query);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"filter":{"must":[{"key":"document_id","match":{"value":"doc-a"}}]}}"""),
            delete.Json));
        var remaining = Assert.Single(_context.Server.Points("raglab-docs"));
        Assert.Equal("doc-b", (string)remaining.Payload["document_id"]!);
    }

    [Fact]
    public async Task Deleting_from_a_collection_that_does_not_exist_is_a_no_op()
    {
        var index = _context.CreateIndex();

        await index.DeleteDocumentAsync("never-made", "doc-a", None);

        Assert.Empty(_context.Server.CollectionNames);
    }

    [Fact]
    public async Task Dense_search_returns_the_nearest_chunks_rebuilt_from_payload()
    {
        var index = _context.CreateIndex();
        var cat = MakeChunk("docs", "doc-a", 0, "cat cat cat", heading: "Animals > Cats");
        var dog = MakeChunk("docs", "doc-a", 1, "dog dog");
        var rocket = MakeChunk("docs", "doc-b", 0, "rocket engine");
        await index.UpsertAsync([Embed(cat, _embeddings), Embed(dog, _embeddings), Embed(rocket, _embeddings)], None);

        var hits = await index.SearchAsync("docs", _embeddings.Embed("cat cat dog"), 2, None);

        Assert.Equal([cat, dog], hits.Select(h => h.Chunk));
        Assert.True(hits[0].Score > hits[1].Score);
        var query = Assert.Single(_context.Server.Requests, r => r.Path.EndsWith("/points/query"));
        Assert.Equal("dense", (string?)query.Json!["using"]);
        Assert.Equal(2, (int)query.Json!["limit"]!);
        Assert.True((bool)query.Json!["with_payload"]!);
        Assert.IsType<JsonArray>(query.Json!["query"]);
    }

    [Fact]
    public async Task Lexical_only_indexing_makes_a_sparse_only_collection_that_keyword_search_finds()
    {
        var index = _context.CreateIndex();
        var engines = MakeChunk("docs", "doc-a", 0, "Rocket engines burn fuel; the engine is hot");
        var cats = MakeChunk("docs", "doc-a", 1, "Cats sleep most of the day");
        var mixed = MakeChunk("docs", "doc-b", 0, "A cat near an engine");
        await index.AddAsync([engines, cats, mixed], None);

        var hits = await index.SearchAsync("docs", "engine", 5, None);

        var create = Assert.Single(_context.Server.Requests, r => r.Method == "PUT" && r.Path == "/collections/raglab-docs");
        Assert.Null(create.Json!["vectors"]);
        var point = _context.Server.Requests.First(r => r.Path.EndsWith("/points")).Json!;
        Assert.Equal("insert_only", (string?)point["update_mode"]);
        Assert.Equal(["bm25"], point["points"]![0]!["vector"]!.AsObject().Select(p => p.Key));

        // "engine" appears in two chunks: the shorter one ranks first; the chunk without it is not found.
        Assert.Equal([mixed, engines], hits.Select(h => h.Chunk));
        var query = _context.Server.Requests.Last(r => r.Path.EndsWith("/points/query")).Json!;
        Assert.Equal("bm25", (string?)query["using"]);
        Assert.Equal(["indices", "values"], query["query"]!.AsObject().Select(p => p.Key).Order());
    }

    [Fact]
    public async Task Keyword_indexing_after_dense_indexing_keeps_the_dense_vector()
    {
        var index = _context.CreateIndex();
        var chunk = MakeChunk("docs", "doc-a", 0, "cat and dog");
        await index.UpsertAsync([Embed(chunk, _embeddings)], None);

        await index.AddAsync([chunk], None);

        var point = Assert.Single(_context.Server.Points("raglab-docs"));
        Assert.True(point.Dense.ContainsKey("dense"));
        Assert.True(point.Sparse.ContainsKey("bm25"));
        Assert.Equal(chunk, Assert.Single(await index.SearchAsync("docs", _embeddings.Embed("cat"), 5, None)).Chunk);
    }

    [Fact]
    public async Task Dense_upsert_into_a_collection_created_without_embeddings_explains_the_fix()
    {
        var index = _context.CreateIndex();
        await index.AddAsync([MakeChunk("docs", "doc-a", 0, "cat")], None);

        var error = await Assert.ThrowsAsync<QdrantException>(() =>
            index.UpsertAsync([Embed(MakeChunk("docs", "doc-b", 0, "dog"), _embeddings)], None));

        Assert.Contains("raglab-docs", error.Message);
        Assert.Contains("DenseVectorSize", error.Message);
        Assert.Contains("ingest them again", error.Message);
    }

    [Fact]
    public async Task With_dense_vector_size_configured_keyword_first_collections_accept_embeddings_later()
    {
        var options = QdrantOptions.FromConnectionString(_context.Server.ConnectionString);
        options.DenseVectorSize = _embeddings.Dimensions;
        var index = _context.CreateIndex(options);
        var cat = MakeChunk("docs", "doc-a", 0, "cat");
        await index.AddAsync([cat], None);

        await index.UpsertAsync([Embed(MakeChunk("docs", "doc-b", 0, "dog"), _embeddings)], None);

        var create = Assert.Single(_context.Server.Requests, r => r.Method == "PUT" && r.Path == "/collections/raglab-docs");
        Assert.Equal(_embeddings.Dimensions, (int)create.Json!["vectors"]!["dense"]!["size"]!);
        Assert.Equal(2, _context.Server.Points("raglab-docs").Count);
    }

    [Fact]
    public async Task Embedding_size_change_is_reported_before_qdrant_rejects_it()
    {
        var index = _context.CreateIndex();
        await index.UpsertAsync([Embed(MakeChunk("docs", "doc-a", 0, "cat"), _embeddings)], None);

        var error = await Assert.ThrowsAsync<QdrantException>(() => index.SearchAsync("docs", new float[] { 1, 2 }, 3, None));

        Assert.Contains($"{_embeddings.Dimensions}-dimensional", error.Message);
        Assert.Contains("embedding model changed", error.Message);
    }

    [Fact]
    public async Task Searching_a_collection_that_does_not_exist_finds_nothing()
    {
        var index = _context.CreateIndex();

        Assert.Empty(await index.SearchAsync("missing", "cat", 5, None));
        Assert.Empty(await index.SearchAsync("missing", _embeddings.Embed("cat"), 5, None));
        Assert.Empty(_context.Server.CollectionNames);
    }

    [Fact]
    public async Task Collection_deleted_behind_the_index_is_recreated_on_the_next_upsert()
    {
        var index = _context.CreateIndex();
        await index.UpsertAsync([Embed(MakeChunk("docs", "doc-a", 0, "cat"), _embeddings)], None);
        Assert.True(_context.Server.DropCollection("raglab-docs"));

        await index.UpsertAsync([Embed(MakeChunk("docs", "doc-b", 0, "dog"), _embeddings)], None);

        Assert.Equal("doc-b", (string)Assert.Single(_context.Server.Points("raglab-docs")).Payload["document_id"]!);
        Assert.Equal(2, _context.Server.Requests.Count(r => r.Method == "PUT" && r.Path == "/collections/raglab-docs"));
    }

    [Fact]
    public async Task Every_request_of_a_full_flow_is_accepted_by_the_spec_checks_and_none_uses_the_removed_search_endpoint()
    {
        var index = _context.CreateIndex();
        var chunks = new[] { MakeChunk("docs", "doc-a", 0, "cat engine"), MakeChunk("docs", "doc-b", 0, "dog rocket") };
        await index.UpsertAsync(chunks.Select(c => Embed(c, _embeddings)).ToList(), None);
        await index.AddAsync(chunks, None);
        await index.SearchAsync("docs", "engine", 3, None);
        await index.SearchAsync("docs", _embeddings.Embed("dog"), 3, None);
        await index.HybridSearchAsync("docs", "rocket", _embeddings.Embed("rocket"), 3, 50, ReaderScope.Everything, None);
        await index.DeleteDocumentAsync("docs", "doc-a", None);

        var requests = _context.Server.Requests;
        // Only the first look-up of the not-yet-created collection may answer 404.
        Assert.All(requests.Skip(1), r => Assert.True(r.StatusCode == 200, $"{r} was rejected: {r.Body}"));
        Assert.Equal(("GET", 404), (requests[0].Method, requests[0].StatusCode));
        Assert.DoesNotContain(requests, r => r.Path.Contains("/points/search"));
    }
}
