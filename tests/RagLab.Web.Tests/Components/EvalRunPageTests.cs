using System.Net;
using System.Text.Json;
using RagLab.Contracts;
using RagLab.Web.Components.Pages;

namespace RagLab.Web.Tests.Components;

public sealed class EvalRunPageTests : PageTestContext
{
    private IRenderedComponent<EvalRun> Open(string id) => Render<EvalRun>(p => p.Add(x => x.RunId, id));

    private void Completed(string id) =>
        Api.Get($"/api/evalruns/{id}", Samples.Run(id, EvalRunStatus.Completed, summary: Samples.Summary(id)))
           .Get($"/api/evalruns/{id}/results", Samples.Results())
           .Get("/api/evalsets/set-1", new EvalSetDetails("set-1", "shop-faq", 1, "default", Samples.When, 3, EvalSetSource.Jsonl, true, []));

    [Fact]
    public void Shows_loading_then_the_metrics_table_with_not_applicable_as_a_dash()
    {
        var release = Api.Hold(HttpMethod.Get, "/api/evalruns/r1", Samples.Run("r1", EvalRunStatus.Completed, summary: Samples.Summary("r1")));
        Api.Get("/api/evalruns/r1/results", Samples.Results());
        var page = Open("r1");

        Assert.Contains("Loading the run", page.Markup);

        release.SetResult();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=metrics-row]").Count));
        var rag = page.Find("[data-testid=metrics-row][data-mode=rag]").Children.Select(c => c.TextContent).ToList();
        Assert.Equal(["rag", "bm25", "3 / 3", "67.0 %", "0.670", "0.810", "0.790", "0.900", "—", "1.000"], rag.Take(10));
        Assert.Equal("0.42 ms / 0.9 ms", page.FindAll("[data-testid=retrieval-table] tbody tr")[0].Children[7].TextContent);
        var baseRow = page.Find("[data-testid=metrics-row][data-mode=base]").Children.Select(c => c.TextContent).ToList();
        Assert.Equal("—", baseRow[1]); // no retriever
        Assert.Equal("—", baseRow[9]); // no citations to be precise about
    }

    [Fact]
    public void Draws_quality_latency_and_cost_charts_with_the_published_figures()
    {
        Completed("r1");
        var page = Open("r1");

        page.WaitForAssertion(() => Assert.Equal(["quality", "latency", "cost"], page.FindAll("[data-testid=chart]").Select(c => c.GetAttribute("data-chart"))));
        var quality = page.Find("[data-chart=quality]");
        Assert.Equal(["rag · bm25", "base"], quality.QuerySelectorAll(".legend li").Take(2).Select(l => l.TextContent));
        Assert.Contains(quality.QuerySelectorAll("[data-testid=bar] title"), t => t.TextContent == "rag · bm25, accuracy: 0.67");
        var latency = page.Find("[data-chart=latency]");
        Assert.Contains(latency.QuerySelectorAll("[data-testid=bar] title"), t => t.TextContent == "rag · bm25, total: 815 ms (high 1.01 s)");
        Assert.Contains("published: 50–300 ms", latency.TextContent);
        var cost = page.Find("[data-chart=cost]");
        Assert.Contains(cost.QuerySelectorAll("[data-testid=bar] title"), t => t.TextContent == "rag · bm25, 1M queries/month: $127");
        Assert.Contains("published: $3,700/month at 1M queries", cost.TextContent);
        Assert.Contains("logarithmic scale", cost.TextContent);
    }

    [Fact]
    public void Filters_questions_by_failure_and_compares_one_question_s_answers()
    {
        Completed("r1");
        var page = Open("r1");
        page.WaitForElement("[data-testid=questions-table]");
        Assert.Equal(3, page.FindAll("[data-testid=question-row]").Count);

        page.Find("[data-testid=outcome-filter]").Change("retrieval-miss");
        Assert.Equal(["Who pays for return shipping?"], page.FindAll("[data-testid=question-row] th").Select(t => t.TextContent));
        page.Find("[data-testid=outcome-filter]").Change("abstained");
        Assert.Equal(["Who pays for return shipping?"], page.FindAll("[data-testid=question-row] th").Select(t => t.TextContent));

        page.Find("[data-testid=outcome-filter]").Change("");
        page.FindAll("[data-testid=question-row]")[2].QuerySelector("button")!.Click();
        var detail = page.Find(".question-detail");
        Assert.Equal(["rag · bm25", "base"], detail.QuerySelectorAll("h3").Select(h => h.TextContent));
        Assert.Empty(page.FindAll("script"));
        Assert.Empty(page.FindAll("img"));
        Assert.Contains(Samples.Hostile, detail.TextContent);
    }

    [Fact]
    public void Follows_a_running_run_until_it_completes()
    {
        var polls = 0;
        Api.On(HttpMethod.Get, "/api/evalruns/r2", _ =>
        {
            var run = ++polls < 3 ? Samples.Run("r2", EvalRunStatus.Running, 0.4) : Samples.Run("r2", EvalRunStatus.Completed, summary: Samples.Summary("r2"));
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(JsonSerializer.Serialize(run, RagLabJson.Options)) });
        }).Get("/api/evalruns/r2/results", Samples.Results());
        var page = Open("r2");

        page.WaitForAssertion(() => Assert.Contains("40 % · answered 3/10 questions", page.Find("[data-testid=progress]").TextContent));
        page.WaitForAssertion(() => Assert.Equal("completed", page.Find("[data-testid=run-status]").GetAttribute("data-status")));
        page.WaitForElement("[data-testid=metrics-table]");
    }

    [Fact]
    public void A_failed_run_shows_why()
    {
        Api.Get("/api/evalruns/r3", Samples.Run("r3", EvalRunStatus.Failed, error: "The eval set has no questions."));
        var page = Open("r3");

        page.WaitForAssertion(() => Assert.Contains("The run failed: The eval set has no questions.", page.Find("[data-testid=error]").TextContent));
    }

    [Fact]
    public void An_unknown_run_says_so()
    {
        Api.Problem(HttpMethod.Get, "/api/evalruns/gone", HttpStatusCode.NotFound, "No eval run with id 'gone'.");
        var page = Open("gone");

        page.WaitForAssertion(() => Assert.Contains("There is no run gone", page.Find("[data-testid=error]").TextContent));
    }
}
