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
    private FakeOllamaServer _ollama = null!;
    private ApiTestHost _api = null!;

    public async Task InitializeAsync()
    {
        _ollama = await FakeOllamaServer.StartAsync();
        _ollama.Respond = _ => "Calibrate the sprocket every week [1].";
        _api = new ApiTestHost(_ollama.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    [Fact]
    public async Task Upload_job_document_chunks_search_and_ask_read_back_as_contract_types()
    {
        const string text = "# Sprocket\n\nCalibrate the sprocket every week with the blue tool.";
        using var posted = await _api.Client.PostAsJsonAsync("/api/documents", new TextDocumentRequest("manual.md", text, "shop"), ClientJson);
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

        using var searched = await _api.Client.PostAsJsonAsync("/api/search", new SearchRequest("sprocket calibration", 3, "bm25", "shop"), ClientJson);
        var search = await searched.Content.ReadFromJsonAsync<SearchResponse>(ClientJson);
        Assert.Equal("bm25", search!.Retriever);
        var hit = Assert.Single(search.Hits);
        Assert.Equal((1, chunk.Id, "manual.md"), (hit.Rank, hit.ChunkId, hit.DocumentName));
        Assert.True(hit.Score > 0 && search.Timings.RetrievalMs >= 0);

        using var asked = await _api.Client.PostAsJsonAsync("/api/ask", new AskRequest("How often to calibrate the sprocket?", "rag", 3, "bm25", "shop"), ClientJson);
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
        var openApi = await _api.Client.GetJsonAsync("/openapi/v1.json");
        var schemas = openApi.GetProperty("components").GetProperty("schemas");
        foreach (var name in new[] { nameof(AskRequest), nameof(AskResponse), nameof(DocumentResponse), nameof(JobResponse), nameof(SearchResponse), nameof(StatusResponse) })
            Assert.True(schemas.TryGetProperty(name, out _), $"no '{name}' schema in /openapi/v1.json");
        var askProperties = schemas.GetProperty(nameof(AskRequest)).GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["question", "mode", "topK", "retriever", "collection"], askProperties);
    }

    [Fact]
    public async Task Eval_set_run_summary_and_results_read_back_as_contract_types()
    {
        const string text = "# Sprocket\n\nCalibrate the sprocket every week with the blue tool.";
        using (var posted = await _api.Client.PostAsJsonAsync("/api/documents", new TextDocumentRequest("manual.md", text, "shop"), ClientJson))
        {
            var upload = await posted.Content.ReadFromJsonAsync<UploadResponse>(ClientJson);
            await WaitUntilReadyAsync(Assert.Single(upload!.Documents).Id!);
        }

        const string jsonl = """{"id":"q1","question":"How often to calibrate the sprocket?","answer":"every week","relevantDocuments":["manual.md"],"tags":["shop"]}""";
        using var form = EvalTestClient.JsonlForm("sprockets", jsonl + "\n", "shop");
        using var created = await _api.Client.PostAsync("/api/evalsets", form);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var set = (await created.Content.ReadFromJsonAsync<EvalSetResponse>(ClientJson))!;
        Assert.Equal(("sprockets", 1, "shop", 1, EvalSetSource.Jsonl, true), (set.Name, set.Version, set.Collection, set.ItemCount, set.Source, set.HeldOutFromTraining));
        var item = Assert.Single((await GetAsync<EvalSetDetails>($"/api/evalsets/{set.Id}")).Items);
        Assert.Equal(("q1", "every week", false), (item.Id, item.Answer, item.Unanswerable));
        Assert.Equal(["manual.md"], item.RelevantDocuments);
        Assert.Equal(set.Id, Assert.Single(await GetAsync<List<EvalSetResponse>>("/api/evalsets?collection=shop")).Id);

        using var started = await _api.Client.PostAsJsonAsync("/api/evalruns", new StartEvalRunRequest(set.Id, ["base", "rag"], ["bm25"], TopK: 3), ClientJson);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var accepted = (await started.Content.ReadFromJsonAsync<EvalRunAccepted>(ClientJson))!;
        Assert.Equal(JobStatus.Succeeded, (await WaitForJobAsync(accepted.JobId)).Status);

        var run = await GetAsync<EvalRunResponse>($"/api/evalruns/{accepted.RunId}");
        Assert.Equal((EvalRunStatus.Completed, 1.0, set.Id, accepted.JobId), (run.Status, run.Progress, run.SetId, run.JobId));
        Assert.Equal((3, 2, false), (run.Request.TopK, run.Request.Parallelism, run.Request.Judge));
        var summary = run.Summary!;
        Assert.Equal((accepted.RunId, 1, 1), (summary.RunId, summary.Questions, summary.LabelledQuestions));
        var rag = Assert.Single(summary.Modes, m => m is { Mode: "rag", Retriever: "bm25" });
        Assert.Equal((ModeRole.Rag, 1, 0), (rag.Role, rag.Answered, rag.Errors));
        Assert.True(rag.Latency.Total.Samples == 1 && rag.Latency.Total.P50 > 0);
        Assert.Contains(summary.Modes, m => m is { Mode: "base", Role: ModeRole.Base });
        var bm25 = Assert.Single(summary.Retrievers);
        Assert.Equal("bm25", bm25.Retriever);
        Assert.Contains(bm25.Scores, s => s.K == 1 && s.Recall == 1 && s.HitRate == 1);
        Assert.Null(Assert.Single(await GetAsync<List<EvalRunResponse>>($"/api/evalruns?setId={set.Id}")).Summary);

        var question = Assert.Single(await GetAsync<List<EvalQuestionResult>>($"/api/evalruns/{accepted.RunId}/results"));
        Assert.Equal(("q1", "every week"), (question.ItemId, question.ReferenceAnswer));
        Assert.Equal(["base", "rag"], question.Answers.Select(a => a.Mode));
        var ragAnswer = question.Answers[1];
        Assert.Equal("bm25", ragAnswer.Retriever);
        Assert.Equal("manual.md", Assert.Single(ragAnswer.Citations).DocumentName);
        Assert.True(ragAnswer.Tokens.InputTokens > 0 && ragAnswer.Timings.TotalMs > 0);
        Assert.Equal("bm25", Assert.Single(question.Retrievals).Retriever);

        using var reported = await _api.Client.PostAsJsonAsync($"/api/evalruns/{accepted.RunId}/report", new Questionnaire(KnowledgeChangeFrequency.Weekly, CitationsRequired: true), ClientJson);
        Assert.Equal(HttpStatusCode.OK, reported.StatusCode);
        var report = (await reported.Content.ReadFromJsonAsync<DecisionReport>(ClientJson))!;
        Assert.Equal((KnowledgeChangeFrequency.Weekly, true), (report.Questionnaire.KnowledgeChanges, report.Questionnaire.CitationsRequired));
        Assert.Equal(accepted.RunId, report.Summary.RunId);
        Assert.NotEmpty(report.Reasons);
        Assert.True(report.Thresholds.MinQuestions > 0);

        var openApi = await _api.Client.GetJsonAsync("/openapi/v1.json");
        var schemas = openApi.GetProperty("components").GetProperty("schemas");
        foreach (var name in new[] { nameof(EvalSetResponse), nameof(EvalSetDetails), nameof(StartEvalRunRequest), nameof(EvalRunResponse), nameof(EvalQuestionResult), nameof(FreshnessProbeStatus) })
            Assert.True(schemas.TryGetProperty(name, out _), $"no '{name}' schema in /openapi/v1.json");
    }

    private async Task<T> GetAsync<T>(string path)
    {
        using var response = await _api.Client.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} returned {(int)response.StatusCode}");
        return (await response.Content.ReadFromJsonAsync<T>(ClientJson))!;
    }

    private async Task WaitUntilReadyAsync(string documentId)
    {
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            var document = await GetAsync<DocumentResponse>($"/api/documents/{documentId}");
            if (document.Status == DocumentStatus.Ready) return;
            Assert.NotEqual(DocumentStatus.Failed, document.Status);
            await Task.Delay(50);
        }
        throw new TimeoutException($"Document {documentId} did not become ready.");
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
