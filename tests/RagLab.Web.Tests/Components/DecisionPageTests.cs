using System.Net;
using RagLab.Contracts;
using RagLab.Web.Components.Pages;

namespace RagLab.Web.Tests.Components;

public sealed class DecisionPageTests : PageTestContext
{
    [Fact]
    public void Shows_loading_then_the_questionnaire_and_the_recommendation_with_its_evidence_and_downloads()
    {
        var release = Api.Hold(HttpMethod.Get, "/api/evalruns", new List<EvalRunResponse>
        {
            Samples.Run("r-running", EvalRunStatus.Running, 0.5), Samples.Run("r1", EvalRunStatus.Completed),
        });
        Api.Json(HttpMethod.Post, "/api/evalruns/r1/report", Samples.Report("r1"));
        var page = Render<Decision>();
        Assert.Contains("Loading completed runs", page.Markup);

        release.SetResult();
        page.WaitForAssertion(() => Assert.Equal(["r1"], page.FindAll("#decision-run option").Select(o => o.GetAttribute("value"))));
        page.Find("#q-changes").Change("Weekly");
        page.Find("#q-citations").Change(true);
        page.Find("form.questionnaire").Submit();

        page.WaitForAssertion(() => Assert.Contains("Recommendation: RAG", page.Find("[data-testid=recommendation] h2").TextContent));
        var reasons = page.FindAll(".reasons li");
        Assert.Contains("evidence: accuracy 67 % vs 0 %", TextOf(reasons[0]));
        Assert.Equal("evaluations/runs/r1#metrics", reasons[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Contains(Samples.Hostile, reasons[1].TextContent);
        Assert.Empty(page.FindAll("script"));
        Assert.Empty(page.FindAll("img"));
        Assert.Contains("Only 3 questions. Next: Run at least 30.", TextOf(page.Find(".warnings")));
        var markdown = page.Find("[data-testid=download-md]").GetAttribute("href")!;
        Assert.StartsWith("downloads/report/r1.md?", markdown);
        Assert.Contains("knowledgeChanges=Weekly", markdown);
        Assert.Contains("citationsRequired=true", markdown);
        Assert.StartsWith("downloads/report/r1.json?", page.Find("[data-testid=download-json]").GetAttribute("href"));
        Assert.Contains("POST /api/evalruns/r1/report?format=json", Api.Requests);
    }

    [Fact]
    public void Without_a_completed_run_says_to_run_one()
    {
        Api.Get("/api/evalruns", new List<EvalRunResponse> { Samples.Run("r-failed", EvalRunStatus.Failed, error: "boom") });
        var page = Render<Decision>();

        page.WaitForAssertion(() => Assert.Contains("needs a completed evaluation run", page.Find("[data-testid=no-completed-runs]").TextContent));
    }

    [Fact]
    public void Shows_why_the_runs_could_not_be_loaded()
    {
        Api.Problem(HttpMethod.Get, "/api/evalruns", HttpStatusCode.BadGateway, "The lab is restarting.");
        var page = Render<Decision>();

        page.WaitForAssertion(() => Assert.Contains("The runs could not be loaded: The lab is restarting.", page.Find("[data-testid=error]").TextContent));
    }

    [Fact]
    public void A_refused_report_shows_the_Apis_reason_next_to_the_form()
    {
        Api.Get("/api/evalruns", new List<EvalRunResponse> { Samples.Run("r1", EvalRunStatus.Completed) })
           .Problem(HttpMethod.Post, "/api/evalruns/r1/report", HttpStatusCode.Conflict, "A report needs a completed run; run 'r1' is running.");
        var page = Render<Decision>();
        page.WaitForElement("form.questionnaire");

        page.Find("form.questionnaire").Submit();

        page.WaitForAssertion(() => Assert.Contains("No recommendation: A report needs a completed run", page.Find("form.questionnaire [data-testid=error]").TextContent));
    }
}
