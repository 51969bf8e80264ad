using System.Net;

namespace RagLab.Api.Tests;

public sealed class HostEndpointsTests : IDisposable
{
    private readonly ApiTestHost _api = new();

    public void Dispose() => _api.Dispose();

    [Fact]
    public async Task Health_alive_and_openapi_are_served()
    {
        Assert.Equal(HttpStatusCode.OK, (await _api.Client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _api.Client.GetAsync("/alive")).StatusCode);
        var openApi = await _api.Client.GetJsonAsync("/openapi/v1.json");
        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/api/documents", "/api/documents/{id}", "/api/jobs/{id}", "/api/search", "/api/ask", "/api/ask/stream", "/api/status" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
    }

    [Fact]
    public async Task Status_reports_the_embedded_default_and_that_no_model_answers()
    {
        var status = await _api.Client.GetJsonAsync("/api/status");
        var dependencies = status.GetProperty("dependencies").EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!, d => d.GetProperty("kind").GetString());
        Assert.Equal("sqlite (embedded)", dependencies["database"]);
        Assert.Equal("embedded", dependencies["vector index"]);
        Assert.Equal("embedded", dependencies["answer cache"]);
        Assert.Equal("embedded", dependencies["job queue"]);
        // No trainer configured (the AppHost runs none without a GPU or RagLab:Trainer=python): said so, with how to connect one.
        var trainer = status.GetProperty("dependencies").EnumerateArray().Single(d => d.GetProperty("name").GetString() == "trainer");
        Assert.Equal("none", trainer.GetProperty("kind").GetString());
        Assert.StartsWith("not connected", trainer.GetProperty("detail").GetString());
        Assert.Contains("RagLab:FineTuning:Trainer:Endpoint", trainer.GetProperty("detail").GetString());
        var models = status.GetProperty("models");
        Assert.False(models.GetProperty("chatAvailable").GetBoolean());
        Assert.False(string.IsNullOrEmpty(models.GetProperty("error").GetString()));
    }
}
