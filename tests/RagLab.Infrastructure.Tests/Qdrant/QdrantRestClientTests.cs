using System.Net;
using RagLab.Infrastructure.Qdrant;
using static RagLab.Infrastructure.Tests.Qdrant.QdrantTestContext;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Qdrant;

public sealed class QdrantRestClientTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Api_key_from_the_connection_string_is_sent_on_every_request()
    {
        await using var context = await StartAsync(apiKey: "s3cret");
        var index = context.CreateIndex();

        await index.AddAsync([MakeChunk("docs", "doc-a", 0, "cat")], None);
        await index.SearchAsync("docs", "cat", 3, None);

        Assert.NotEmpty(context.Server.Requests);
        Assert.All(context.Server.Requests, r => Assert.Equal("s3cret", r.ApiKey));
        Assert.Single(context.Server.Points("raglab-docs"));
    }

    [Fact]
    public async Task Wrong_api_key_fails_with_a_hint_to_check_the_key()
    {
        await using var context = await StartAsync(apiKey: "s3cret");
        var options = QdrantOptions.FromConnectionString($"Endpoint={context.Server.Endpoint};Key=wrong");
        var index = context.CreateIndex(options);

        var error = await Assert.ThrowsAsync<QdrantException>(() => index.AddAsync([MakeChunk("docs", "doc-a", 0, "cat")], None));

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("API key", error.Message);
        Assert.Contains("ConnectionStrings:vectordb_http", error.Message);
    }

    [Fact]
    public async Task Missing_api_key_says_one_is_required()
    {
        await using var context = await StartAsync(apiKey: "s3cret");
        var index = context.CreateIndex(QdrantOptions.FromConnectionString($"Endpoint={context.Server.Endpoint}"));

        var error = await Assert.ThrowsAsync<QdrantException>(() => index.SearchAsync("docs", "cat", 3, None));

        Assert.Null(context.Server.Requests.Single().ApiKey);
        Assert.Contains("requires an API key", error.Message);
    }

    [Fact]
    public async Task Qdrant_error_body_is_surfaced_in_the_exception()
    {
        await using var context = await StartAsync();
        var index = context.CreateIndex();
        context.Server.FailNext("PUT", "/points", 400, "Wrong input: Payload too large");

        var error = await Assert.ThrowsAsync<QdrantException>(() => index.AddAsync([MakeChunk("docs", "doc-a", 0, "cat")], None));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("Wrong input: Payload too large", error.ServerError);
        Assert.Contains("PUT /collections/raglab-docs/points", error.Message);
        Assert.Contains("Wrong input: Payload too large", error.Message);
    }

    [Fact]
    public async Task Unreachable_server_is_a_dependency_unavailable_error_naming_the_endpoint()
    {
        Uri endpoint;
        await using (var stopped = await StartAsync())
        {
            endpoint = stopped.Server.Endpoint;
        }
        using var http = new HttpClient();
        var client = new QdrantRestClient(http, new QdrantOptions { Endpoint = endpoint });

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => client.GetCollectionAsync("raglab-docs", None));

        Assert.Contains(endpoint.ToString(), error.Message);
        Assert.Contains("Start Qdrant", error.Message);
    }
}
