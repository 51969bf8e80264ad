using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace RagLab.Api.Tests;

/// <summary>
/// Eval sets and runs through HTTP on a bare machine (no model server) whose jobs are left to a worker that is not
/// running, so runs stay pending: errors are RFC 7807 problems that say what to do; sets are versioned and deletable.
/// </summary>
public sealed class EvalApiErrorTests : IDisposable
{
    private readonly ApiTestHost _api = new(settings: new Dictionary<string, string?>
    {
        ["RagLab:Ingestion:MaxUploadBytes"] = "2048",
        ["RagLab:Jobs:RunInProcess"] = "false",
    });

    public void Dispose() => _api.Dispose();

    private const string TwoQuestions = """
        {"question": "How long is the refund window?", "answer": "30 days", "relevantDocuments": ["refunds.md"]}
        {"question": "Who founded the company?", "unanswerable": true}
        """;

    [Fact]
    public async Task A_bad_jsonl_line_is_400_naming_the_line_and_nothing_is_stored()
    {
        using var form = EvalTestClient.JsonlForm("faq", "{\"question\": \"Fine?\"}\n{\"question\": 42}\n");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsync("/api/evalsets", form), HttpStatusCode.BadRequest, "line 2: \"question\" must be a string");

        using var notJson = EvalTestClient.JsonlForm("faq", "{\"question\": \"Fine?\"}\n\nnot json\n");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsync("/api/evalsets", notJson), HttpStatusCode.BadRequest, "line 3: not valid JSON");
        Assert.Equal(0, (await _api.Client.GetJsonAsync("/api/evalsets")).GetArrayLength());
    }

    [Fact]
    public async Task Every_bad_line_of_an_eval_set_is_listed_in_the_problem_s_errors()
    {
        using var form = EvalTestClient.JsonlForm("faq", "{\"question\": 42}\n{\"question\": \"Fine?\"}\nnot json\n{\"anwser\": \"x\"}\n");
        using var response = await _api.Client.PostAsync("/api/evalsets", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("line").GetInt32(), e.GetProperty("message").GetString())).ToList();
        Assert.Equal([1, 3, 4], errors.Select(e => e.Item1));
        Assert.Contains("unknown field 'anwser'", errors[2].Item2);
        Assert.Equal(0, (await _api.Client.GetJsonAsync("/api/evalsets")).GetArrayLength());
    }

    [Fact]
    public async Task Uploads_without_a_file_or_over_the_limit_are_refused()
    {
        using var noFile = new MultipartFormDataContent { { new StringContent("faq"), "name" } };
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsync("/api/evalsets", noFile), HttpStatusCode.BadRequest, "multipart form field 'file'");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalsets", new { name = "faq" }), HttpStatusCode.BadRequest, "multipart/form-data");

        var big = string.Concat(Enumerable.Repeat("{\"question\": \"What is the refund window for damaged goods?\"}\n", 60));
        Assert.True(Encoding.UTF8.GetByteCount(big) > 2048);
        using var tooLarge = EvalTestClient.JsonlForm("faq", big);
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsync("/api/evalsets", tooLarge), HttpStatusCode.RequestEntityTooLarge, "upload limit");
    }

    [Fact]
    public async Task Sets_are_versioned_by_name_and_deleted_one_version_at_a_time()
    {
        var first = await _api.Client.ImportEvalSetAsync("faq", TwoQuestions);
        var second = await _api.Client.ImportEvalSetAsync("faq", TwoQuestions + "\n{\"id\": \"new\", \"question\": \"Do you ship abroad?\"}");
        var other = await _api.Client.ImportEvalSetAsync("manuals", TwoQuestions, "manuals");
        Assert.Equal((1, 2, 1), (first.GetProperty("version").GetInt32(), second.GetProperty("version").GetInt32(), other.GetProperty("version").GetInt32()));
        Assert.True(first.GetProperty("heldOutFromTraining").GetBoolean());

        var defaults = await _api.Client.GetJsonAsync("/api/evalsets?collection=default");
        Assert.Equal([2, 1], defaults.EnumerateArray().Select(s => s.GetProperty("version").GetInt32()));
        Assert.Equal(3, (await _api.Client.GetJsonAsync("/api/evalsets")).GetArrayLength());

        var details = await _api.Client.GetJsonAsync($"/api/evalsets/{second.GetProperty("id").GetString()}");
        Assert.Equal(["q1", "q2", "new"], details.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.True(details.GetProperty("items")[1].GetProperty("unanswerable").GetBoolean());
        Assert.Equal("refunds.md", details.GetProperty("items")[0].GetProperty("relevantDocuments")[0].GetString());

        var firstId = first.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Client.DeleteAsync($"/api/evalsets/{firstId}")).StatusCode);
        await EvalTestClient.AssertProblemAsync(await _api.Client.GetAsync($"/api/evalsets/{firstId}"), HttpStatusCode.NotFound, "GET /api/evalsets");
        await EvalTestClient.AssertProblemAsync(await _api.Client.DeleteAsync($"/api/evalsets/{firstId}"), HttpStatusCode.NotFound, $"No eval set with id '{firstId}'");
        var remaining = await _api.Client.GetJsonAsync("/api/evalsets?collection=default");
        Assert.Equal(second.GetProperty("id").GetString(), Assert.Single(remaining.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Unknown_sets_runs_and_probes_are_404()
    {
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalruns", new { setId = "nope", modes = new[] { "rag" } }), HttpStatusCode.NotFound, "Eval set 'nope' does not exist");
        await EvalTestClient.AssertProblemAsync(await _api.Client.GetAsync("/api/evalruns/nope"), HttpStatusCode.NotFound, "GET /api/evalruns");
        await EvalTestClient.AssertProblemAsync(await _api.Client.GetAsync("/api/evalruns/nope/results"), HttpStatusCode.NotFound, "No eval run with id 'nope'");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalruns/nope/report", new { }), HttpStatusCode.NotFound, "No eval run");
        await EvalTestClient.AssertProblemAsync(await _api.Client.DeleteAsync("/api/evalruns/nope"), HttpStatusCode.NotFound, "No eval run");
        await EvalTestClient.AssertProblemAsync(await _api.Client.GetAsync("/api/evalruns/freshness/nope"), HttpStatusCode.NotFound, "POST /api/evalruns/freshness");
    }

    [Fact]
    public async Task Bad_run_requests_are_400_and_modes_needing_a_model_are_503()
    {
        var setId = (await _api.Client.ImportEvalSetAsync("faq", TwoQuestions)).GetProperty("id").GetString();
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalruns", new { setId, modes = new[] { "magic" } }), HttpStatusCode.BadRequest, "Use one of: base");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalruns", new { setId, modes = Array.Empty<string>() }), HttpStatusCode.BadRequest, "at least one answering mode");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalruns", new { setId, modes = new[] { "rag" }, retrievers = new[] { "grep" } }), HttpStatusCode.BadRequest, "Unknown retriever 'grep'");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalruns", new { setId, modes = new[] { "rag" }, topK = 0 }), HttpStatusCode.BadRequest, "TopK must be between 1 and 100");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalruns", new { setId, modes = new[] { "rag" }, retrievers = new[] { "dense" } }), HttpStatusCode.ServiceUnavailable, "embedding model");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalruns", new { setId, modes = new[] { "rag", "base" } }), HttpStatusCode.ServiceUnavailable, "'base' needs a language model");
        Assert.Equal(0, (await _api.Client.GetJsonAsync($"/api/evalruns?setId={setId}")).GetArrayLength());
    }

    [Fact]
    public async Task Runs_naming_finetuned_or_hybrid_are_503_saying_how_to_create_a_version_while_the_collection_has_none()
    {
        var setId = (await _api.Client.ImportEvalSetAsync("faq", TwoQuestions)).GetProperty("id").GetString();
        foreach (var mode in new[] { "finetuned", "hybrid" })
        {
            var problem = await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalruns", new { setId, modes = new[] { "rag", mode } }),
                HttpStatusCode.ServiceUnavailable, $"The '{mode}' mode answers with collection 'default''s fine-tuned model, and it has none yet. Create one: POST /api/datasets");
            Assert.Contains("POST /api/finetunes", problem.GetProperty("detail").GetString());
        }
        Assert.Equal(0, (await _api.Client.GetJsonAsync($"/api/evalruns?setId={setId}")).GetArrayLength());
    }

    [Fact]
    public async Task Generating_a_set_without_a_language_model_is_503()
    {
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalsets/generate", new { name = "gen", collection = "default", count = 5 }), HttpStatusCode.ServiceUnavailable, "needs a chat model");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalsets/generate", new { name = "gen", count = 0 }), HttpStatusCode.BadRequest, "Count must be between 1 and 1000");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalsets/generate", new { name = "", count = 5 }), HttpStatusCode.BadRequest, "name");
    }

    [Fact]
    public async Task A_pending_run_has_no_report_yet_and_can_be_deleted()
    {
        var setId = (await _api.Client.ImportEvalSetAsync("faq", TwoQuestions)).GetProperty("id").GetString();
        var accepted = await _api.Client.PostJsonAsync("/api/evalruns", new { setId, modes = new[] { "rag" } }, HttpStatusCode.Accepted);
        var runId = accepted.GetProperty("runId").GetString();
        var job = await _api.Client.GetJsonAsync($"/api/jobs/{accepted.GetProperty("jobId").GetString()}");
        Assert.Equal(("eval-run", "queued"), (job.GetProperty("kind").GetString(), job.GetProperty("status").GetString()));

        var run = await _api.Client.GetJsonAsync($"/api/evalruns/{runId}");
        Assert.Equal(("pending", 0.0), (run.GetProperty("status").GetString(), run.GetProperty("progress").GetDouble()));
        Assert.Equal(["rag"], run.GetProperty("request").GetProperty("modes").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(5, run.GetProperty("request").GetProperty("topK").GetInt32());
        Assert.Equal(2, (await _api.Client.GetJsonAsync($"/api/evalruns/{runId}/results")).GetArrayLength()); // the questions, not yet answered

        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync($"/api/evalruns/{runId}/report", new { citationsRequired = true }), HttpStatusCode.Conflict, "is pending");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsync($"/api/evalruns/{runId}/report?format=pdf", null), HttpStatusCode.BadRequest, "Use 'json' or 'md'");
        await EvalTestClient.AssertProblemAsync(await _api.Client.GetAsync($"/api/evalruns/{runId}/results?outcome=lucky"), HttpStatusCode.BadRequest, "retrieval-miss");

        Assert.Equal(HttpStatusCode.NoContent, (await _api.Client.DeleteAsync($"/api/evalruns/{runId}")).StatusCode);
        await EvalTestClient.AssertProblemAsync(await _api.Client.GetAsync($"/api/evalruns/{runId}"), HttpStatusCode.NotFound, "No eval run");
    }

    [Fact]
    public async Task Freshness_probe_requests_are_checked_before_a_job_is_queued()
    {
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalruns/freshness", new { question = "", expectedAnswer = "49", documentName = "p.md", documentText = "x" }), HttpStatusCode.BadRequest, "probe question");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalruns/freshness", new { question = "Price?", expectedAnswer = "49", documentName = "p.md", documentText = "x", modes = new[] { "magic" } }), HttpStatusCode.BadRequest, "Unknown mode 'magic'");
        await EvalTestClient.AssertProblemAsync(await _api.Client.PostAsJsonAsync("/api/evalruns/freshness", new { question = "Price?", expectedAnswer = "49", documentName = "p.md", documentText = "x", timeout = "02:00:00" }), HttpStatusCode.BadRequest, "timeout must be");

        var accepted = await _api.Client.PostJsonAsync("/api/evalruns/freshness", new { question = "Price?", expectedAnswer = "49", documentName = "p.md", documentText = "x" }, HttpStatusCode.Accepted);
        var probe = await _api.Client.GetJsonAsync($"/api/evalruns/freshness/{accepted.GetProperty("jobId").GetString()}");
        Assert.Equal("queued", probe.GetProperty("status").GetString());
        Assert.False(probe.TryGetProperty("report", out _));
    }

    [Fact]
    public async Task The_eval_routes_are_described_in_the_openapi_document()
    {
        var paths = (await _api.Client.GetJsonAsync("/openapi/v1.json")).GetProperty("paths");
        foreach (var path in new[] { "/api/evalsets", "/api/evalsets/beir", "/api/evalsets/generate", "/api/evalsets/{id}", "/api/evalruns", "/api/evalruns/{id}",
                     "/api/evalruns/{id}/results", "/api/evalruns/{id}/report", "/api/evalruns/freshness", "/api/evalruns/freshness/{jobId}" })
            Assert.True(paths.TryGetProperty(path, out _) || paths.TryGetProperty(path + "/", out _), $"{path} is missing from the OpenAPI document");
        Assert.Contains("decision report", paths.GetProperty("/api/evalruns/{id}/report").GetProperty("post").GetProperty("summary").GetString());
    }
}
