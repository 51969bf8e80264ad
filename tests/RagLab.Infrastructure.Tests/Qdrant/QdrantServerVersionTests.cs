using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.Qdrant;
using RagLab.Testing;
using static RagLab.Infrastructure.Tests.Qdrant.QdrantTestContext;

namespace RagLab.Infrastructure.Tests.Qdrant;

/// <summary>
/// Keyword-only indexing must keep existing points' dense vectors on every Qdrant a user may point RagLab at: servers before
/// 1.17.0 ignore <c>update_mode</c>, so there the index looks up which points exist instead.
/// </summary>
public sealed class QdrantServerVersionTests
{
    private const string BeforeUpdateMode = "1.16.3";
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ConceptEmbeddingGenerator _embeddings = new("cat", "dog", "rocket", "engine");
    private readonly FakeLogger<QdrantChunkIndex> _logger = new();

    [Theory]
    [InlineData("1.15.5", true)]
    [InlineData("1.16.3", true)]
    [InlineData("1.17.0", false)]
    [InlineData("1.19.0", false)]
    [InlineData("1.17.0-rc.1", false)]
    public void A_reported_version_is_before_update_mode_only_below_1_17_0(string reported, bool predates)
    {
        var version = QdrantServerVersion.FromReported(reported);

        Assert.NotNull(version.Number);
        Assert.Equal(predates, version.PredatesUpdateMode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("latest")]
    [InlineData("1.16")]
    public void An_unreadable_version_is_unknown_and_taken_as_current(string? reported)
    {
        var version = QdrantServerVersion.FromReported(reported);

        Assert.Null(version.Number);
        Assert.False(version.PredatesUpdateMode);
        Assert.False(string.IsNullOrEmpty(version.UnknownBecause));
    }

    [Fact]
    public async Task Keyword_only_re_add_on_a_server_before_update_mode_keeps_the_dense_vector_and_dense_search_still_finds_it()
    {
        await using var context = await StartAsync(version: BeforeUpdateMode);
        var index = context.CreateIndex(logger: _logger);
        var cat = MakeChunk("docs", "doc-a", 0, "cat cat");
        var dog = MakeChunk("docs", "doc-a", 1, "dog dog");
        var rocket = MakeChunk("docs", "doc-b", 0, "rocket engine");
        await index.UpsertAsync([Embed(cat, _embeddings), Embed(dog, _embeddings)], None);
        context.Server.ClearRequests();

        await index.AddAsync([cat, rocket], None);

        var points = context.Server.Points("raglab-docs").ToDictionary(p => p.Id);
        Assert.Equal(3, points.Count);
        Assert.True(points[QdrantPointId.ForChunk(cat.Id)].Dense.ContainsKey("dense"));
        Assert.False(points[QdrantPointId.ForChunk(rocket.Id)].Dense.ContainsKey("dense"));
        Assert.Equal([cat, dog], (await index.SearchAsync("docs", _embeddings.Embed("cat"), 5, None)).Select(h => h.Chunk));
        Assert.Equal(rocket, Assert.Single(await index.SearchAsync("docs", "rocket", 5, None)).Chunk);

        // One look-up of both ids without payload or vectors, then a plain upsert of the new point only.
        var lookup = Assert.Single(context.Server.Requests, r => r.Method == "POST" && r.Path == "/collections/raglab-docs/points");
        Assert.Equal([QdrantPointId.ForChunk(cat.Id), QdrantPointId.ForChunk(rocket.Id)], lookup.Json!["ids"]!.AsArray().Select(id => (string)id!));
        Assert.False((bool)lookup.Json!["with_payload"]!);
        Assert.False((bool)lookup.Json!["with_vector"]!);
        var write = Assert.Single(context.Server.Requests, r => r.Method == "PUT" && r.Path == "/collections/raglab-docs/points");
        Assert.Null(write.Json!["update_mode"]);
        Assert.Equal([QdrantPointId.ForChunk(rocket.Id)], write.Json!["points"]!.AsArray().Select(p => (string)p!["id"]!));
        Assert.All(context.Server.Requests, r => Assert.True(r.StatusCode == 200, $"{r} was rejected: {r.Body}"));
    }

    [Fact]
    public async Task On_a_server_before_update_mode_the_version_is_read_once_and_the_fallback_logged_once()
    {
        await using var context = await StartAsync(apiKey: "secret", version: BeforeUpdateMode);
        var index = context.CreateIndex(logger: _logger);
        var cat = MakeChunk("docs", "doc-a", 0, "cat");

        await index.AddAsync([cat], None);
        await index.AddAsync([cat], None);
        await index.AddAsync([MakeChunk("notes", "doc-n", 0, "dog")], None);

        Assert.Single(context.Server.Requests, r => r.Method == "GET" && r.Path == "/");
        // The second add of the same chunk finds it and writes nothing.
        Assert.Single(context.Server.Requests, r => r.Method == "PUT" && r.Path == "/collections/raglab-docs/points");
        var log = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Information, log.Level);
        Assert.Contains("1.16.3", log.Message);
        Assert.Contains("older than 1.17.0", log.Message);
    }

    [Fact]
    public async Task On_a_current_server_keyword_only_adds_send_insert_only_and_look_nothing_up()
    {
        await using var context = await StartAsync(version: "1.17.0");
        var index = context.CreateIndex(logger: _logger);
        var cat = MakeChunk("docs", "doc-a", 0, "cat cat");
        await index.UpsertAsync([Embed(cat, _embeddings)], None);
        context.Server.ClearRequests();

        await index.AddAsync([cat], None);

        var write = Assert.Single(context.Server.Requests, r => r.Method == "PUT" && r.Path == "/collections/raglab-docs/points");
        Assert.Equal("insert_only", (string?)write.Json!["update_mode"]);
        Assert.DoesNotContain(context.Server.Requests, r => r.Method == "POST" && r.Path == "/collections/raglab-docs/points");
        Assert.True(Assert.Single(context.Server.Points("raglab-docs")).Dense.ContainsKey("dense"));
        var log = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Information, log.Level);
        Assert.Contains("1.17.0", log.Message);
        Assert.Contains("insert_only", log.Message);
    }

    [Fact]
    public async Task When_the_version_cannot_be_read_insert_only_is_sent_and_the_log_says_it_was_assumed()
    {
        await using var context = await StartAsync();
        context.Server.FailNext("GET", "/", 404, "Not found");
        var index = context.CreateIndex(logger: _logger);

        await index.AddAsync([MakeChunk("docs", "doc-a", 0, "cat")], None);

        var write = Assert.Single(context.Server.Requests, r => r.Method == "PUT" && r.Path == "/collections/raglab-docs/points");
        Assert.Equal("insert_only", (string?)write.Json!["update_mode"]);
        var log = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Information, log.Level);
        Assert.Contains("Could not read the version", log.Message);
        Assert.Contains("404", log.Message);
        Assert.Contains("assuming 1.17.0 or later", log.Message);
    }
}
