using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Forms;
using RagLab.Contracts;
using RagLab.Web.Components.Pages;

namespace RagLab.Web.Tests.Components;

public sealed class EvaluationsPageTests : PageTestContext
{
    public EvaluationsPageTests()
    {
        Api.Get("/api/modes", Samples.Modes()).Get("/api/status", Samples.Status());
    }

    [Fact]
    public void Shows_loading_then_sets_and_runs_with_live_progress()
    {
        var release = Api.Hold(HttpMethod.Get, "/api/evalsets", new List<EvalSetResponse> { Samples.Set() });
        Api.Get("/api/evalruns", new List<EvalRunResponse>
        {
            Samples.Run("run-running", EvalRunStatus.Running, 0.3),
            Samples.Run("run-done", EvalRunStatus.Completed),
        });
        var page = Render<Evaluations>();

        Assert.Contains("Loading eval sets", page.Markup);

        release.SetResult();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=eval-set-row]")));
        Assert.Contains("shop-faq", page.Find("[data-testid=eval-set-row]").TextContent);
        var running = page.Find("[data-run-id=run-running]");
        Assert.Equal("0.3", running.QuerySelector("progress")!.GetAttribute("value"));
        Assert.Contains("30 % · answered 3/10 questions", running.TextContent);
        Assert.Equal("evaluations/runs/run-done", page.Find("[data-run-id=run-done] th a").GetAttribute("href"));
    }

    [Fact]
    public void With_nothing_yet_says_what_to_do_first()
    {
        Api.Get("/api/evalsets", new List<EvalSetResponse>()).Get("/api/evalruns", new List<EvalRunResponse>());
        var page = Render<Evaluations>();

        page.WaitForAssertion(() => Assert.Contains("No eval sets yet", page.Find("[data-testid=no-sets]").TextContent));
        Assert.Contains("No runs yet", page.Find("[data-testid=no-runs]").TextContent);
        Assert.Contains("A run needs an eval set first", page.Markup);
    }

    [Fact]
    public void Shows_each_list_s_error_next_to_it()
    {
        Api.Problem(HttpMethod.Get, "/api/evalsets", HttpStatusCode.InternalServerError, "sets are broken")
           .Problem(HttpMethod.Get, "/api/evalruns", HttpStatusCode.InternalServerError, "runs are broken");
        var page = Render<Evaluations>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=error]").Count));
        Assert.Equal(["The eval sets could not be loaded: sets are broken", "The runs could not be loaded: runs are broken"],
            page.FindAll("[data-testid=error]").Select(e => e.TextContent));
    }

    [Fact]
    public void Starts_a_run_with_the_chosen_modes_retrievers_and_prices()
    {
        string? sent = null;
        var runs = new List<EvalRunResponse>();
        Api.Get("/api/evalsets", new List<EvalSetResponse> { Samples.Set() })
           .On(HttpMethod.Get, "/api/evalruns", _ => Task.FromResult(JsonAnswer(runs.ToList())))
           .On(HttpMethod.Post, "/api/evalruns", async request =>
           {
               sent = await request.Content!.ReadAsStringAsync();
               runs.Add(Samples.Run("run-new", EvalRunStatus.Completed));
               return JsonAnswer(new EvalRunAccepted("run-new", "job-new"), HttpStatusCode.Accepted);
           });
        var page = Render<Evaluations>();
        page.WaitForElement("#run-retriever-hybrid");

        page.Find("#run-retriever-hybrid").Change(true);
        page.Find("#run-price-in").Change("0.5");
        page.FindAll("button").Single(b => b.TextContent == "Start the run").Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=run-row]")));
        var request = JsonSerializer.Deserialize<StartEvalRunRequest>(sent!, RagLabJson.Options)!;
        Assert.Equal("set-1", request.SetId);
        Assert.Equal(["rag", "base"], request.Modes!.Order().Reverse());
        Assert.Equal(["bm25", "hybrid"], request.Retrievers!.Order());
        Assert.Equal(0.5, request.Prices!.InputDollarsPerMillionTokens);
    }

    [Fact]
    public void A_refused_eval_set_upload_shows_the_line_that_is_wrong()
    {
        Api.Get("/api/evalsets", new List<EvalSetResponse>()).Get("/api/evalruns", new List<EvalRunResponse>())
           .Problem(HttpMethod.Post, "/api/evalsets", HttpStatusCode.BadRequest, "Line 2 is not JSON: expected '{'.");
        var page = Render<Evaluations>();
        page.WaitForElement("#jsonl-file");

        page.FindComponents<InputFile>().Single(f => f.Instance.AdditionalAttributes?["id"] as string == "jsonl-file")
            .UploadFiles(InputFileContent.CreateFromText("{\"question\":\"a\"}\nnot json", "questions.jsonl"));
        page.Find("#jsonl-name").Change("faq");
        page.FindAll("button").Single(b => b.TextContent == "Upload").Click();

        page.WaitForAssertion(() => Assert.Contains("Line 2 is not JSON", page.Find("[data-testid=error]").TextContent));
    }

    [Fact]
    public void A_refused_eval_set_upload_lists_every_bad_line_the_api_names()
    {
        DatasetLineError[] errors = [new(1, "\"question\" must be a string, found a number"), new(3, "not valid JSON ('n' is an invalid start of a value)")];
        Api.Get("/api/evalsets", new List<EvalSetResponse>()).Get("/api/evalruns", new List<EvalRunResponse>())
           .On(HttpMethod.Post, "/api/evalsets", _ => Task.FromResult(ScriptedApi.ProblemWithLines("2 of 3 lines are not eval questions; nothing was stored. line 1: …", errors)));
        var page = Render<Evaluations>();
        page.WaitForElement("#jsonl-file");

        page.FindComponents<InputFile>().Single(f => f.Instance.AdditionalAttributes?["id"] as string == "jsonl-file")
            .UploadFiles(InputFileContent.CreateFromText("{\"question\":1}\n{\"question\":\"a\"}\nnot json", "questions.jsonl"));
        page.Find("#jsonl-name").Change("faq");
        page.FindAll("button").Single(b => b.TextContent == "Upload").Click();

        page.WaitForAssertion(() => Assert.Equal(["1", "3"], page.FindAll("[data-testid=line-errors] li").Select(l => l.GetAttribute("data-line"))));
    }

    private static HttpResponseMessage JsonAnswer(object body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(body, body.GetType(), RagLabJson.Options), System.Text.Encoding.UTF8, "application/json") };
}

public sealed class EvalSetMakingTests : PageTestContext
{
    public EvalSetMakingTests()
    {
        Api.Get("/api/modes", Samples.Modes()).Get("/api/status", Samples.Status())
           .Get("/api/evalsets", new List<EvalSetResponse>()).Get("/api/evalruns", new List<EvalRunResponse>());
    }

    [Fact]
    public void Generating_a_set_shows_the_job_s_progress_then_the_new_set()
    {
        var polls = 0;
        Api.Json(HttpMethod.Post, "/api/evalsets/generate", new JobAccepted("gen-1"), HttpStatusCode.Accepted)
           .On(HttpMethod.Get, "/api/evalsets/generate/gen-1", _ =>
           {
               var status = ++polls < 3
                   ? new EvalSetGenerationStatus("gen-1", JobStatus.Running, 0.25, "wrote 5/20 questions", null, null)
                   : new EvalSetGenerationStatus("gen-1", JobStatus.Succeeded, 1, null, null, Samples.Set("generated"));
               return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(JsonSerializer.Serialize(status, RagLabJson.Options)) });
           });
        var page = Render<Evaluations>();
        page.WaitForElement("#gen-name");

        page.FindAll("button").Single(b => b.TextContent == "Generate").Click();

        page.WaitForAssertion(() => Assert.Contains("25 % · wrote 5/20 questions", page.Find("[data-testid=progress]").TextContent));
        page.WaitForAssertion(() => Assert.Contains("Generated generated with 3 questions.", TextOf(page.Find(".set-forms [role=status]"))));
    }

    [Fact]
    public void A_refused_BEIR_import_shows_which_file_is_missing_what()
    {
        Api.Problem(HttpMethod.Post, "/api/evalsets/beir", HttpStatusCode.BadRequest, "queries.jsonl line 3 has no '_id'.");
        var page = Render<Evaluations>();
        page.WaitForElement("#beir-corpus");
        foreach (var (id, content) in new[] { ("beir-corpus", "{\"_id\":\"d1\",\"text\":\"t\"}"), ("beir-queries", "{}"), ("beir-qrels", "query-id\tcorpus-id\tscore") })
            page.FindComponents<InputFile>().Single(f => f.Instance.AdditionalAttributes?["id"] as string == id)
                .UploadFiles(InputFileContent.CreateFromText(content, id + ".txt"));

        page.FindAll("button").Single(b => b.TextContent == "Import").Click();

        page.WaitForAssertion(() => Assert.Contains("queries.jsonl line 3 has no '_id'.", page.Find("[data-testid=error]").TextContent));
    }
}
