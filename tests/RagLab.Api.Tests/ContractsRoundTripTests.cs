using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RagLab.Contracts;
using RagLab.Testing;

namespace RagLab.Api.Tests;

/// <summary>
/// What a client built on RagLab.Contracts reads from the Api: every documented field arrives set, with plain web JSON
/// defaults on the client (the contract's own attributes carry the enum shape).
/// </summary>
public sealed class ContractsRoundTripTests : IAsyncLifetime
{
    private static readonly JsonSerializerOptions ClientJson = new(JsonSerializerDefaults.Web);
    private readonly TempDirectory _data = new();
    private FakeOllamaServer _ollama = null!;
    private RagLabApiFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _ollama = await FakeOllamaServer.StartAsync();
        _ollama.Respond = _ => "Calibrate the sprocket every week [1].";
        _factory = new RagLabApiFactory(_data.Path, _ollama.BaseAddress);
        _client = _factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _ollama.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task Upload_job_document_chunks_search_and_ask_read_back_as_contract_types()
    {
        const string text = "# Sprocket\n\nCalibrate the sprocket every week with the blue tool.";
        using var posted = await _client.PostAsJsonAsync("/api/documents", new TextDocumentRequest("manual.md", text, "shop"), ClientJson);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var upload = await posted.Content.ReadFromJsonAsync<UploadResponse>(ClientJson);
        var uploaded = Assert.Single(upload!.Documents);
        Assert.Equal("manual.md", uploaded.Name);
        Assert.Equal("shop", uploaded.Collection);
        Assert.Contains(uploaded.Status, new[] { DocumentStatus.Queued, DocumentStatus.Indexing, DocumentStatus.Ready });
        Assert.False(string.IsNullOrEmpty(uploaded.Id));
        Assert.False(string.IsNullOrEmpty(uploaded.JobId));

        var job = await WaitForJobAsync(uploaded.JobId!);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(1, job.Progress);
        Assert.Equal("ingest-batch", job.Kind);
        Assert.True(job.UpdatedAt >= job.CreatedAt && job.CreatedAt > DateTimeOffset.UnixEpoch);

        var document = await GetAsync<DocumentResponse>($"/api/documents/{uploaded.Id}");
        Assert.Equal(DocumentStatus.Ready, document.Status);
        Assert.Equal(1, document.Chunks);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(text), document.Bytes);
        Assert.Equal(64, document.ContentHash.Length);
        Assert.Equal(uploaded.Id, Assert.Single(await GetAsync<List<DocumentResponse>>("/api/documents?collection=shop")).Id);

        var chunk = Assert.Single(await GetAsync<List<DocumentChunk>>($"/api/documents/{uploaded.Id}/chunks"));
        Assert.Equal("Sprocket", chunk.HeadingPath);
        Assert.Contains("Calibrate the sprocket every week", chunk.Text);
        Assert.True(chunk.Start >= 0 && chunk.End > chunk.Start);
        Assert.Equal((uploaded.Id, "manual.md", "shop", 0), (chunk.DocumentId, chunk.DocumentName, chunk.Collection, chunk.Position));

        using var searched = await _client.PostAsJsonAsync("/api/search", new SearchRequest("sprocket calibration", 3, "bm25", "shop"), ClientJson);
        var search = await searched.Content.ReadFromJsonAsync<SearchResponse>(ClientJson);
        Assert.Equal("bm25", search!.Retriever);
        var hit = Assert.Single(search.Hits);
        Assert.Equal((1, chunk.Id, "manual.md"), (hit.Rank, hit.ChunkId, hit.DocumentName));
        Assert.True(hit.Score > 0 && search.Timings.RetrievalMs >= 0);

        using var asked = await _client.PostAsJsonAsync("/api/ask", new AskRequest("How often to calibrate the sprocket?", "rag", 3, "bm25", "shop"), ClientJson);
        var answer = await asked.Content.ReadFromJsonAsync<AskResponse>(ClientJson);
        Assert.Equal("rag", answer!.Mode);
        Assert.Equal("qwen2.5:1.5b", answer.Model);
        Assert.False(answer.Extractive);
        Assert.False(answer.Cached);
        Assert.Equal("bm25", answer.Retriever);
        Assert.Equal([chunk.Id], answer.Retrieved);
        var citation = Assert.Single(answer.Citations);
        Assert.Equal((chunk.Id, uploaded.Id, "manual.md"), (citation.ChunkId, citation.DocumentId, citation.DocumentName));
        Assert.Contains("sprocket", citation.Quote);
        Assert.True(answer.Timings.TotalMs >= answer.Timings.GenerationMs && answer.Timings.GenerationMs > 0);
        Assert.True(answer.Usage.InputTokens > 0 && answer.Usage.OutputTokens > 0);
    }

    [Fact]
    public async Task Modes_and_status_read_back_as_contract_types()
    {
        var modes = await GetAsync<List<AnswerMode>>("/api/modes");
        Assert.Contains(modes, m => m is { Name: "rag", UsesRetrieval: true } && m.Description.Length > 0);
        Assert.Contains(modes, m => m is { Name: "base", UsesRetrieval: false });

        var status = await GetAsync<StatusResponse>("/api/status");
        Assert.NotEmpty(status.Dependencies);
        Assert.All(status.Dependencies, d => Assert.False(string.IsNullOrEmpty(d.Kind)));
        Assert.True(status.Models.ChatAvailable);
        Assert.Equal("qwen2.5:1.5b", status.Models.ChatModel);
        Assert.False(string.IsNullOrEmpty(status.DataDirectory));
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_contract_types_and_no_cache_bypass()
    {
        var openApi = await _client.GetJsonAsync("/openapi/v1.json");
        var schemas = openApi.GetProperty("components").GetProperty("schemas");
        foreach (var name in new[] { nameof(AskRequest), nameof(AskResponse), nameof(DocumentResponse), nameof(JobResponse), nameof(SearchResponse), nameof(StatusResponse) })
            Assert.True(schemas.TryGetProperty(name, out _), $"no '{name}' schema in /openapi/v1.json");
        var askProperties = schemas.GetProperty(nameof(AskRequest)).GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["question", "mode", "topK", "retriever", "collection"], askProperties);
    }

    private async Task<T> GetAsync<T>(string path)
    {
        using var response = await _client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} returned {(int)response.StatusCode}");
        return (await response.Content.ReadFromJsonAsync<T>(ClientJson))!;
    }

    private async Task<JobResponse> WaitForJobAsync(string jobId)
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            var job = await GetAsync<JobResponse>($"/api/jobs/{jobId}");
            if (job.IsFinished) return job;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Job {jobId} did not finish.");
    }
}
