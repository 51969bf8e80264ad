using System.Net;
using RagLab.Contracts;
using RagLab.Web.Components.Layout;
using RagLab.Web.Components.Pages;

namespace RagLab.Web.Tests.Components;

// A collection whose vectors come from another embedding model: the Web says so where the collection is used and re-embeds it.
public sealed class ReembedTests : PageTestContext
{
    private const string Why = "Collection 'default' was embedded with ollama:nomic-embed-text (12 chunks), but the configured embedding model is " +
        "ollama:all-minilm: vectors of two models cannot be compared, so dense and hybrid retrieval are off for it until it is re-embedded. " +
        "Re-embed it with POST /api/collections/default/reembed (or `raglab reembed default`), or configure the model it was embedded with; bm25 works meanwhile.";

    private static readonly DocumentResponse Refunds = Samples.Document("refunds.md");

    private static readonly CollectionVectorsStatus DefaultStale =
        new("default", [new VectorModelCount("ollama:nomic-embed-text", 12)], true, Why);
    private static readonly CollectionVectorsStatus DefaultFresh =
        new("default", [new VectorModelCount("ollama:all-minilm", 12)], false, null);
    private static readonly CollectionVectorsStatus SupportStale =
        new("support", [new VectorModelCount("ollama:nomic-embed-text", 3)], true, Why.Replace("'default'", "'support'", StringComparison.Ordinal));

    private StatusResponse _status = Samples.Status();
    private JobResponse _job = Job(JobStatus.Running, 0.4, "embedded 4/10 chunks of 'default' with ollama:all-minilm, 8.0 chunks/s");

    public ReembedTests()
    {
        Api.Get("/api/documents", new List<DocumentResponse> { Refunds, Samples.Document("guide.md", collection: "support") })
           .Get("/api/modes", Samples.Modes())
           .On(HttpMethod.Get, "/api/status", _ => Task.FromResult(ScriptedApi.JsonResponse(Volatile.Read(ref _status))))
           .On(HttpMethod.Post, "/api/collections/default/reembed", _ => Task.FromResult(ScriptedApi.JsonResponse(new JobAccepted("job-r1"), HttpStatusCode.Accepted)))
           .On(HttpMethod.Get, "/api/jobs/job-r1", _ => Task.FromResult(ScriptedApi.JsonResponse(Volatile.Read(ref _job))));
    }

    private static JobResponse Job(JobStatus status, double progress, string? message, string? error = null) =>
        new("job-r1", "reembed", status, progress, message, error, Samples.When, Samples.When);

    private static StatusResponse StatusWith(params CollectionVectorsStatus[] collections) => Samples.Status() with { Collections = collections };

    /// <summary>Presses Re-embed in <paramref name="scope"/>, then checks the job's progress and its end as the user sees them.</summary>
    private void ReembedsWithProgress<T>(IRenderedComponent<T> page, string scope) where T : Microsoft.AspNetCore.Components.IComponent
    {
        page.Find($"{scope} [data-testid=reembed-start]").Click();

        page.WaitForAssertion(() => Assert.Contains("40 %", page.Find($"{scope} [data-testid=progress]").TextContent));
        Assert.Contains("embedded 4/10 chunks of 'default'", page.Find($"{scope} [data-testid=progress]").TextContent);
        Assert.Empty(page.FindAll($"{scope} [data-testid=reembed-start]")); // no second start while it runs

        Volatile.Write(ref _status, StatusWith(DefaultFresh));
        Volatile.Write(ref _job, Job(JobStatus.Succeeded, 1, "12 chunks of 'default' embedded with ollama:all-minilm at 9.5 chunks/s (1.3 s)."));
        page.WaitForAssertion(() => Assert.Contains("12 chunks of 'default' embedded with ollama:all-minilm", page.Find($"{scope} [data-testid=reembed-done]").TextContent));
        Assert.Empty(page.FindAll($"{scope} [data-testid=progress]"));
        Assert.Single(Api.Requests, r => r == "POST /api/collections/default/reembed");
    }

    [Fact]
    public void The_documents_page_says_why_a_collection_needs_a_reembed_and_runs_it_with_progress_until_done()
    {
        _status = StatusWith(DefaultStale);
        var page = Render<Documents>();

        page.WaitForAssertion(() => Assert.Contains("was embedded with ollama:nomic-embed-text (12 chunks)", TextOf(page.Find("[data-testid=reembed]"))));
        Assert.Equal("default", page.Find("[data-testid=reembed]").GetAttribute("data-collection"));

        ReembedsWithProgress(page, "[data-testid=reembed]");
        // The status is read again, so the page no longer thinks the collection needs one.
        page.WaitForAssertion(() => Assert.Equal(2, Api.Requests.Count(r => r == "GET /api/status")));
    }

    [Fact]
    public void A_failed_reembed_says_why_and_can_be_started_again()
    {
        _status = StatusWith(DefaultStale);
        _job = Job(JobStatus.Failed, 0.2, null, "Collection 'default' cannot be re-embedded: no embedding model is connected. Configure one, then re-embed again.");
        var page = Render<Documents>();
        page.WaitForElement("[data-testid=reembed-start]").Click();

        page.WaitForAssertion(() => Assert.Contains("Re-embedding default failed: Collection 'default' cannot be re-embedded: no embedding model is connected",
            page.Find("[data-testid=reembed] [data-testid=error]").TextContent));
        Assert.Single(page.FindAll("[data-testid=reembed-start]"));
    }

    [Fact]
    public void A_refused_start_shows_the_Apis_reason()
    {
        _status = StatusWith(DefaultStale);
        Api.Problem(HttpMethod.Post, "/api/collections/default/reembed", HttpStatusCode.Forbidden,
            "POST /api/collections/default/reembed needs the role writer or admin; 'ci' has reader.");
        var page = Render<Documents>();
        page.WaitForElement("[data-testid=reembed-start]").Click();

        page.WaitForAssertion(() => Assert.Contains("The re-embed of default did not start: POST /api/collections/default/reembed needs the role writer or admin",
            page.Find("[data-testid=reembed] [data-testid=error]").TextContent));
        Assert.DoesNotContain(Api.Requests, r => r.StartsWith("GET /api/jobs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_409_from_the_debuggers_search_shows_the_Apis_message_once_with_the_reembed()
    {
        Api.On(HttpMethod.Post, "/api/search", async request =>
        {
            var search = System.Text.Json.JsonSerializer.Deserialize<SearchRequest>(await request.Content!.ReadAsStringAsync(), RagLabJson.Options)!;
            return search.Retriever == "bm25"
                ? ScriptedApi.JsonResponse(new SearchResponse([], "bm25", new SearchTimings(0.2)))
                : new HttpResponseMessage(HttpStatusCode.Conflict)
                {
                    Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(new { title = "Re-embed needed", status = 409, detail = Why }), System.Text.Encoding.UTF8, "application/problem+json"),
                };
        });
        var page = Render<Documents>();
        page.WaitForElement("[data-testid=document-row]");
        Assert.Empty(page.FindAll("[data-testid=reembed]")); // the status named no collection

        page.Find("#debug-query").Input("refund window");
        page.Find("form.debugger-form").Submit();

        page.WaitForAssertion(() => Assert.Contains("was embedded with ollama:nomic-embed-text (12 chunks)", TextOf(page.Find("#reembed [data-testid=reembed]"))));
        Assert.Single(page.FindAll("[data-testid=reembed]"));
        foreach (var retriever in new[] { "dense", "hybrid" })
            Assert.Contains("default must be re-embedded first", TextOf(page.Find($"[data-retriever={retriever}] [data-testid=error]")));
        Assert.Empty(page.FindAll("[data-retriever=bm25] [data-testid=error]"));

        ReembedsWithProgress(page, "#reembed");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_409_to_a_question_shows_the_Apis_message_in_that_answer_with_the_reembed(bool beforeTheStream)
    {
        if (beforeTheStream)
            Api.Problem(HttpMethod.Post, "/api/ask/stream", HttpStatusCode.Conflict, Why);
        else
            Api.Stream(request => request.Mode == "rag"
                ? [new AskErrorEvent(409, "Re-embed needed", Why)]
                : [new AskDoneEvent(Samples.Answer("base", "Usually 14 days.", []))]);
        var page = Render<Chat>();
        page.WaitForElement("#mode-rag");
        if (beforeTheStream) page.Find("#mode-base").Change(false);

        page.Find("#question").Input("How long is the refund window?");
        page.Find("form.ask-form").Submit();

        page.WaitForAssertion(() => Assert.Contains("was embedded with ollama:nomic-embed-text (12 chunks)", TextOf(page.Find("[data-mode=rag] [data-testid=reembed]"))));
        Assert.Empty(page.FindAll("[data-mode=rag] [data-testid=error]")); // the Api's message with its action, not a bare error
        if (!beforeTheStream)
        {
            page.WaitForAssertion(() => Assert.Equal("done", page.Find("[data-mode=base]").GetAttribute("data-state")));
            Assert.Empty(page.FindAll("[data-mode=base] [data-testid=reembed]"));
        }

        ReembedsWithProgress(page, "[data-mode=rag]");
    }

    [Fact]
    public void Chat_shows_the_reembed_for_the_chosen_collection_only_when_the_status_says_it_needs_one()
    {
        _status = StatusWith(DefaultFresh, SupportStale);
        var page = Render<Chat>();
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("#collection option"), o => o.TextContent == "support"));

        page.Find("#collection").Change("support");
        page.WaitForAssertion(() => Assert.Contains("Collection 'support' was embedded with", TextOf(page.Find("[data-testid=reembed]"))));
        Assert.Equal("support", page.Find("[data-testid=reembed]").GetAttribute("data-collection"));

        page.Find("#collection").Change("default");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=reembed]")));
    }

    [Fact]
    public void The_status_panel_lists_each_collections_vectors_and_flags_the_one_to_reembed()
    {
        _status = StatusWith(DefaultFresh, SupportStale);
        var panel = Render<StatusPanel>();

        panel.WaitForAssertion(() => Assert.Equal("re-embed needed: support", TextOf(panel.Find("[data-testid=reembed-badge]"))));
        var fresh = panel.Find("[data-testid=collection-vectors][data-collection=default]");
        Assert.Equal("ollama:all-minilm: 12 chunks", TextOf(fresh));
        var stale = panel.Find("[data-testid=collection-vectors][data-collection=support]");
        Assert.Contains("ollama:nomic-embed-text: 3 chunks", TextOf(stale));
        Assert.Contains("Collection 'support' was embedded with", TextOf(stale));
        Assert.Equal("documents?collection=support#reembed", stale.QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public void The_status_panel_flags_nothing_when_every_collection_has_the_configured_models_vectors()
    {
        _status = StatusWith(DefaultFresh);
        var panel = Render<StatusPanel>();

        panel.WaitForElement("[data-testid=collection-vectors]");
        Assert.Empty(panel.FindAll("[data-testid=reembed-badge]"));
        Assert.Empty(panel.FindAll("[data-testid=collection-vectors] .notice"));
    }
}
