using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Qdrant;

/// <summary>The fake must be as strict as Qdrant, or the adapter tests could pass against a server that accepts anything.</summary>
public sealed class FakeQdrantServerTests : IAsyncLifetime
{
    private FakeQdrantServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeQdrantServer.StartAsync(apiKey: "k");
        _http = new HttpClient { BaseAddress = _server.Endpoint };
        _http.DefaultRequestHeaders.Add("api-key", "k");
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Unknown_top_level_field_is_rejected_with_qdrants_error_shape()
    {
        var response = await SendAsync(HttpMethod.Put, "collections/c", """{"vectors":{"dense":{"size":2,"distance":"Cosine"}},"sparse":{}}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("unknown field `sparse`", (string?)response.Body["status"]!["error"]);
        Assert.Empty(_server.CollectionNames);
    }

    [Fact]
    public async Task Request_without_the_api_key_is_unauthorized()
    {
        using var anonymous = new HttpClient { BaseAddress = _server.Endpoint };

        var response = await anonymous.GetAsync("collections/c/exists");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Point_ids_must_be_unsigned_integers_or_uuids()
    {
        await SendAsync(HttpMethod.Put, "collections/c", """{"sparse_vectors":{"s":{"modifier":"idf"}}}""");

        var bad = await SendAsync(HttpMethod.Put, "collections/c/points?wait=true", """{"points":[{"id":"chunk-1","vector":{}}]}""");
        var good = await SendAsync(HttpMethod.Put, "collections/c/points?wait=true", """{"points":[{"id":7,"vector":{}},{"id":"550e8400-e29b-41d4-a716-446655440000","vector":{}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(HttpStatusCode.OK, good.Status);
        Assert.Equal("completed", (string?)good.Body["result"]!["status"]);
        Assert.Equal(2, _server.Points("c").Count);
    }

    [Fact]
    public async Task Sparse_search_with_idf_weighs_rare_terms_higher()
    {
        await SendAsync(HttpMethod.Put, "collections/c", """{"sparse_vectors":{"s":{"modifier":"idf"}}}""");
        // Term 1 is in every point, term 2 only in point 3.
        await SendAsync(HttpMethod.Put, "collections/c/points?wait=true", """
            {"points":[
              {"id":1,"vector":{"s":{"indices":[1],"values":[1.0]}}},
              {"id":2,"vector":{"s":{"indices":[1],"values":[1.0]}}},
              {"id":3,"vector":{"s":{"indices":[1,2],"values":[1.0,1.0]}}}]}
            """);

        var response = await SendAsync(HttpMethod.Post, "collections/c/points/query", """{"query":{"indices":[1,2],"values":[1.0,1.0]},"using":"s","limit":3}""");

        var points = response.Body["result"]!["points"]!.AsArray();
        Assert.Equal("3", points[0]!["id"]!.ToJsonString());
        var expected = FakeQdrantCollection.Idf(3, 3) + FakeQdrantCollection.Idf(3, 1);
        Assert.Equal(expected, (double)points[0]!["score"]!, 6);
    }

    [Fact]
    public async Task Query_for_a_missing_collection_is_404_with_an_error_message()
    {
        var response = await SendAsync(HttpMethod.Post, "collections/nope/points/query", """{"query":[1.0],"using":"dense","limit":1}""");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Contains("doesn't exist", (string?)response.Body["status"]!["error"]);
    }

    [Fact]
    public async Task Root_reports_the_version_without_an_api_key_as_VersionInfo()
    {
        await using var server = await FakeQdrantServer.StartAsync(apiKey: "k", version: "1.16.3");
        using var anonymous = new HttpClient { BaseAddress = server.Endpoint };

        var info = JsonNode.Parse(await anonymous.GetStringAsync("/"))!;

        Assert.Equal("1.16.3", (string?)info["version"]);
        Assert.False(string.IsNullOrEmpty((string?)info["title"]));
    }

    [Theory]
    [InlineData("1.16.3", false)]
    [InlineData("1.17.0", true)]
    public async Task Insert_only_keeps_an_existing_point_only_from_1_17_0_as_in_qdrant(string version, bool keepsDense)
    {
        await using var server = await FakeQdrantServer.StartAsync(version: version);
        using var http = new HttpClient { BaseAddress = server.Endpoint };
        await SendAsync(http, HttpMethod.Put, "collections/c", """{"vectors":{"d":{"size":2,"distance":"Dot"}},"sparse_vectors":{"s":{}}}""");
        await SendAsync(http, HttpMethod.Put, "collections/c/points?wait=true", """{"points":[{"id":1,"vector":{"d":[1.0,0.0],"s":{"indices":[1],"values":[1.0]}}}]}""");

        var insert = await SendAsync(http, HttpMethod.Put, "collections/c/points?wait=true",
            """{"points":[{"id":1,"vector":{"s":{"indices":[2],"values":[1.0]}}}],"update_mode":"insert_only"}""");

        // Before 1.17.0 Qdrant ignores update_mode (no such field), so the upsert replaces the point and its dense vector.
        Assert.Equal(HttpStatusCode.OK, insert.Status);
        Assert.Equal(keepsDense, Assert.Single(server.Points("c")).Dense.ContainsKey("d"));
    }

    [Fact]
    public async Task Retrieve_by_ids_returns_only_the_existing_points()
    {
        await SendAsync(HttpMethod.Put, "collections/c", """{"sparse_vectors":{"s":{}}}""");
        await SendAsync(HttpMethod.Put, "collections/c/points?wait=true", """{"points":[{"id":"550e8400-e29b-41d4-a716-446655440000","vector":{},"payload":{"a":1}}]}""");

        var response = await SendAsync(HttpMethod.Post, "collections/c/points",
            """{"ids":["550e8400-e29b-41d4-a716-446655440000",7],"with_payload":false,"with_vector":false}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var record = Assert.Single(response.Body["result"]!.AsArray())!.AsObject();
        Assert.Equal(["id"], record.Select(p => p.Key));
        Assert.Equal("550e8400-e29b-41d4-a716-446655440000", (string?)record["id"]);
    }

    private Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(HttpMethod method, string path, string json) => SendAsync(_http, method, path, json);

    private static async Task<(HttpStatusCode Status, JsonNode Body)> SendAsync(HttpClient http, HttpMethod method, string path, string json)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }
}
