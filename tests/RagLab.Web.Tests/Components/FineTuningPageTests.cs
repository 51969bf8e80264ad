using System.Net;
using RagLab.Web.Components.Pages;

namespace RagLab.Web.Tests.Components;

public sealed class FineTuningPageTests : PageTestContext
{
    [Fact]
    public void Says_not_available_yet_while_the_Api_has_no_fine_tuning_routes()
    {
        var page = Render<FineTuning>(); // nothing scripted: /api/finetunes answers 404 as an unknown route does

        page.WaitForAssertion(() => Assert.Contains("Not available yet", page.Find("[data-testid=not-available]").TextContent));
        Assert.Equal(["GET /api/finetunes"], Api.Requests);
    }

    [Fact]
    public void Shows_loading_while_it_asks()
    {
        var release = Api.Hold(HttpMethod.Get, "/api/finetunes", new List<object>());
        var page = Render<FineTuning>();

        Assert.Contains("Asking the Api for fine-tuning", page.Markup);
        release.SetResult();
        page.WaitForAssertion(() => Assert.Contains("No fine-tuning jobs yet.", page.Markup));
    }

    [Fact]
    public void Shows_an_error_other_than_404_and_retries()
    {
        Api.Problem(HttpMethod.Get, "/api/finetunes", HttpStatusCode.ServiceUnavailable, "The trainer is not connected.");
        var page = Render<FineTuning>();

        page.WaitForAssertion(() => Assert.Contains("Fine-tuning could not be loaded: The trainer is not connected.", page.Find("[data-testid=error]").TextContent));
        Api.Get("/api/finetunes", new List<object>()).Get("/api/datasets", new List<object>()).Get("/api/models", new List<object>());
        page.FindAll("button").Single(b => b.TextContent == "Try again").Click();
        page.WaitForAssertion(() => Assert.Contains("No fine-tuning jobs yet.", page.Markup));
    }

    [Fact]
    public void Lists_what_the_fine_tuning_routes_return_as_text()
    {
        Api.Get("/api/finetunes", new[] { new { id = "ft-1", status = "running", baseModel = "qwen2.5:1.5b", note = RagLab.Web.Tests.Components.Samples.Hostile } })
           .Get("/api/datasets", new { datasets = new[] { new { id = "ds-1", examples = 120 } } })
           .Get("/api/models", new List<object>());
        var page = Render<FineTuning>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=feature-table]").Count));
        var jobs = page.FindAll("[data-testid=feature-table]")[0];
        Assert.Equal(["id", "status", "baseModel", "note"], jobs.QuerySelectorAll("th").Select(t => t.TextContent));
        Assert.Contains("running", jobs.TextContent);
        Assert.Contains(Samples.Hostile, jobs.TextContent);
        Assert.Empty(page.FindAll("script"));
        Assert.Empty(page.FindAll("img"));
        Assert.Contains("120", page.FindAll("[data-testid=feature-table]")[1].TextContent);
        Assert.Contains("No fine-tuned models yet.", page.Markup);
    }
}
