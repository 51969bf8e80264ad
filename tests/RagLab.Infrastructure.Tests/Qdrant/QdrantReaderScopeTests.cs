using RagLab.Core.Kernel;
using RagLab.Infrastructure.Qdrant;
using RagLab.Testing;
using static RagLab.Infrastructure.Tests.Qdrant.QdrantTestContext;

namespace RagLab.Infrastructure.Tests.Qdrant;

/// <summary>
/// Qdrant filters by the reader's view itself: each point carries its document's <c>groups</c>, and every query (and each prefetch of
/// a fused one) carries a payload <c>filter</c> in the shape of reference/qdrant/openapi.json (<c>Filter.should</c> of a
/// <c>FieldCondition</c> with <c>MatchAny</c> and an <c>IsEmptyCondition</c>), which the fake applies as Qdrant does.
/// </summary>
public sealed class QdrantReaderScopeTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ConceptEmbeddingGenerator _embeddings = new("cat", "dog", "rocket", "engine");
    private QdrantTestContext _context = null!;

    public async Task InitializeAsync() => _context = await StartAsync();

    public async Task DisposeAsync() => await _context.DisposeAsync();

    private static readonly ReaderScope Hr = ReaderScope.OfGroups(["hr"]);

    private async Task<QdrantChunkIndex> IndexAsync()
    {
        var index = _context.CreateIndex();
        await index.UpsertAsync([
            Embed(MakeChunk("docs", "pay", 0, "cat pay rates") with { Groups = ["hr"] }, _embeddings),
            Embed(MakeChunk("docs", "budget", 0, "cat budget lines") with { Groups = ["finance"] }, _embeddings),
            Embed(MakeChunk("docs", "shared", 0, "cat shared notes") with { Groups = ["finance", "hr"] }, _embeddings),
            Embed(MakeChunk("docs", "lunch", 0, "cat lunch menu"), _embeddings),
        ], None);
        return index;
    }

    [Fact]
    public async Task Points_carry_their_documents_groups_and_a_view_is_sent_as_a_should_filter_on_every_query()
    {
        var index = await IndexAsync();
        var payloads = _context.Server.Points("raglab-docs").ToDictionary(p => (string)p.Payload["document_id"]!, p => p.Payload["groups"]!.ToJsonString());
        Assert.Equal("""["hr"]""", payloads["pay"]);
        Assert.Equal("""["finance","hr"]""", payloads["shared"]);
        Assert.Equal("[]", payloads["lunch"]);
        Assert.Contains(_context.Server.Requests, r => r.Path == "/collections/raglab-docs/index" && (string?)r.Json!["field_name"] == "groups");

        _context.Server.ClearRequests();
        await index.SearchAsync("docs", "cat", 10, ReaderScope.OfGroups(["hr", "finance"]), None);
        await index.SearchAsync("docs", _embeddings.Embed("cat"), 10, ReaderScope.OfGroups(["hr", "finance"]), None);
        await index.HybridSearchAsync("docs", "cat", _embeddings.Embed("cat"), 10, 50, ReaderScope.OfGroups(["hr", "finance"]), None);
        await index.SearchAsync("docs", "cat", 10, ReaderScope.OfGroups([]), None);
        await index.SearchAsync("docs", "cat", 10, ReaderScope.Everything, None);

        var queries = _context.Server.Requests.Where(r => r.Path == "/collections/raglab-docs/points/query").Select(r => r.Json!.AsObject()).ToList();
        Assert.Equal(5, queries.Count);
        const string both = """{"should":[{"key":"groups","match":{"any":["finance","hr"]}},{"is_empty":{"key":"groups"}}]}""";
        Assert.Equal(both, queries[0]["filter"]!.ToJsonString());
        Assert.Equal(both, queries[1]["filter"]!.ToJsonString());
        // The fused query: each prefetch is filtered (so no forbidden point is a candidate) and so is the fusion.
        Assert.Equal(both, queries[2]["filter"]!.ToJsonString());
        Assert.Equal([both, both], queries[2]["prefetch"]!.AsArray().Select(p => p!["filter"]!.ToJsonString()));
        Assert.Equal("""{"should":[{"is_empty":{"key":"groups"}}]}""", queries[3]["filter"]!.ToJsonString());
        Assert.False(queries[4].ContainsKey("filter")); // everything: no filter at all
        Assert.All(_context.Server.Requests, r => Assert.True(r.StatusCode == 200, $"{r} was rejected: {r.Body}"));
    }

    [Fact]
    public async Task Every_search_returns_only_what_the_reader_may_read_and_ranks_it_as_the_whole_collection_would()
    {
        var index = await IndexAsync();
        // A point written before points had groups: no field at all, so it stays readable by everyone.
        var options = QdrantOptions.FromConnectionString(_context.Server.ConnectionString);
        using var http = new HttpClient();
        var legacy = MakeChunk("docs", "legacy", 0, "cat legacy memo");
        var payload = QdrantChunkPayload.From(legacy).Where(p => p.Key != QdrantChunkPayload.Groups).ToDictionary(p => p.Key, p => p.Value);
        await new QdrantRestClient(http, options).UpsertPointsAsync("raglab-docs", new QdrantPointsList([new QdrantPoint(QdrantPointId.ForChunk(legacy.Id),
            new Dictionary<string, object> { [options.VectorName] = _embeddings.Embed(legacy.Text).ToArray() }, payload)]), None);

        foreach (var (scope, expected) in new (ReaderScope, string[])[]
        {
            (Hr, ["legacy", "lunch", "pay", "shared"]),
            (ReaderScope.OfGroups(["finance"]), ["budget", "legacy", "lunch", "shared"]),
            (ReaderScope.OfGroups([]), ["legacy", "lunch"]),
            (ReaderScope.Everything, ["budget", "legacy", "lunch", "pay", "shared"]),
        })
        {
            var dense = await index.SearchAsync("docs", _embeddings.Embed("cat"), 10, scope, None);
            var fused = await index.HybridSearchAsync("docs", "cat", _embeddings.Embed("cat"), 10, 50, scope, None);
            Assert.Equal(expected, dense.Select(h => h.Chunk.DocumentId).Order());
            Assert.Equal(expected, fused.Select(h => h.Chunk.DocumentId).Order());
            Assert.All(dense.Concat(fused), h => Assert.True(scope.CanRead(h.Chunk.Groups), $"{h.Chunk.DocumentId} is outside [{scope.Key}]"));
        }

        // BM25 (sparse, server-side IDF over every point): the reader's ranking is the whole ranking with the rest taken out.
        var all = await index.SearchAsync("docs", "cat pay budget", 10, ReaderScope.Everything, None);
        var hr = await index.SearchAsync("docs", "cat pay budget", 10, Hr, None);
        Assert.Equal(all.Where(h => Hr.CanRead(h.Chunk.Groups)).Select(h => (h.Chunk.Id, h.Score)), hr.Select(h => (h.Chunk.Id, h.Score)));
        Assert.DoesNotContain(hr, h => h.Chunk.DocumentId == "budget");
        Assert.Null(all.Single(h => h.Chunk.DocumentId == "lunch").Chunk.Groups);
    }
}
