using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace RagLab.Api.Tests;

/// <summary>Every error a user can cause gets an RFC 7807 problem with a message that says what to do.</summary>
public sealed class ApiErrorTests : IDisposable
{
    private readonly ApiTestHost _api = new(settings: new Dictionary<string, string?> { ["RagLab:Ingestion:MaxUploadBytes"] = "2048" });

    public void Dispose() => _api.Dispose();

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        return problem;
    }

    [Fact]
    public async Task Unknown_document_is_404_and_points_to_the_list()
    {
        await AssertProblemAsync(await _api.Client.GetAsync("/api/documents/nope"), HttpStatusCode.NotFound, "GET /api/documents");
        await AssertProblemAsync(await _api.Client.DeleteAsync("/api/documents/nope"), HttpStatusCode.NotFound, "No document with id 'nope'");
        await AssertProblemAsync(await _api.Client.GetAsync("/api/jobs/nope"), HttpStatusCode.NotFound, "No job");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Empty_question_is_400(string question)
    {
        await AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/ask", new { question }), HttpStatusCode.BadRequest, "question is empty");
        await AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/ask/stream", new { question }), HttpStatusCode.BadRequest, "question is empty");
    }

    [Fact]
    public async Task Unknown_mode_retriever_and_bad_topK_are_400_listing_the_choices()
    {
        await AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/ask", new { question = "q", mode = "magic" }), HttpStatusCode.BadRequest, "Use one of: base");
        await AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/search", new { query = "q", retriever = "grep" }), HttpStatusCode.BadRequest, "bm25");
        await AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/search", new { query = "q", topK = 0 }), HttpStatusCode.BadRequest, "topK must be between 1");
        await AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/search", new { query = "" }), HttpStatusCode.BadRequest, "query is empty");
    }

    [Fact]
    public async Task Malformed_json_is_400()
    {
        using var content = new StringContent("{\"question\": ", System.Text.Encoding.UTF8, "application/json");
        var response = await _api.Client.PostAsync("/api/ask", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("Product Docs")]
    [InlineData("../etc")]
    [InlineData("a-very-long-collection-name-that-goes-on-and-on-and-on-past-sixty-four-chars")]
    public async Task Invalid_collection_name_is_400_and_states_the_rule(string collection)
    {
        await AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/documents", new { name = "a.txt", text = "hello", collection }), HttpStatusCode.BadRequest, "a-z, 0-9");
        await AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/search", new { query = "hello", collection }), HttpStatusCode.BadRequest, "a-z, 0-9");
    }

    [Fact]
    public async Task Unsupported_file_type_is_415_listing_supported_types()
    {
        using var form = Files(("tool.exe", "MZ binary"u8.ToArray()));
        var problem = await AssertProblemAsync(await _api.Client.PostAsync("/api/documents", form), HttpStatusCode.UnsupportedMediaType, "tool.exe");
        Assert.Contains(".md", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task File_over_the_size_limit_is_413_and_nothing_is_stored()
    {
        using var form = Files(("big.txt", new byte[4096]));
        await AssertProblemAsync(await _api.Client.PostAsync("/api/documents", form), HttpStatusCode.RequestEntityTooLarge, "upload limit");
        var documents = await _api.Client.GetJsonAsync("/api/documents");
        Assert.Equal(0, documents.GetArrayLength());
        var blobs = Path.Combine(_api.DataDirectory, "blobs");
        Assert.True(!Directory.Exists(blobs) || Directory.EnumerateFiles(blobs, "*", SearchOption.AllDirectories).All(f => !f.Contains("big")));
    }

    [Fact]
    public async Task One_bad_file_fails_alone_and_the_others_ingest()
    {
        using var form = Files(
            ("good.md", "# Title\n\nGood content about llamas."u8.ToArray()),
            ("bad.exe", "nope"u8.ToArray()),
            ("huge.txt", new byte[4096]),
            ("also-good.txt", "Alpacas are smaller than llamas."u8.ToArray()));
        var response = await _api.Client.PostAsync("/api/documents", form);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var documents = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documents");
        var byName = documents.EnumerateArray().ToDictionary(d => d.GetProperty("name").GetString()!);
        Assert.Equal("failed", byName["bad.exe"].GetProperty("status").GetString());
        Assert.Contains("unsupported file type", byName["bad.exe"].GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("failed", byName["huge.txt"].GetProperty("status").GetString());
        foreach (var good in new[] { "good.md", "also-good.txt" })
        {
            Assert.Equal("queued", byName[good].GetProperty("status").GetString());
            await _api.Client.WaitUntilReadyAsync(byName[good].GetProperty("id").GetString()!);
        }
        Assert.Equal(2, (await _api.Client.GetJsonAsync("/api/documents")).GetArrayLength());
    }

    [Fact]
    public async Task Dense_and_hybrid_without_an_embedding_model_are_503_saying_what_to_connect()
    {
        await AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/search", new { query = "q", retriever = "dense" }), HttpStatusCode.ServiceUnavailable, "ollama pull");
        await AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/ask", new { question = "q", retriever = "hybrid" }), HttpStatusCode.ServiceUnavailable, "embedding model");
    }

    [Fact]
    public async Task Base_mode_without_a_language_model_is_503_saying_how_to_connect_one()
    {
        await AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/ask", new { question = "What is a llama?", mode = "base" }), HttpStatusCode.ServiceUnavailable, "ollama pull");
    }

    [Fact]
    public async Task Upload_without_files_or_text_is_400()
    {
        using var empty = new MultipartFormDataContent { { new StringContent("default"), "collection" } };
        await AssertProblemAsync(await _api.Client.PostAsync("/api/documents", empty), HttpStatusCode.BadRequest, "'files'");
        await AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/documents", new { name = "a.txt", text = "" }), HttpStatusCode.BadRequest, "'text' is empty");
        await AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/documents", new { text = "content" }), HttpStatusCode.BadRequest, "needs a name");
    }

    internal static MultipartFormDataContent Files(params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }
        return form;
    }
}
