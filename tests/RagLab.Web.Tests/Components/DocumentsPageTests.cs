using System.Net;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using RagLab.Contracts;
using RagLab.Web.Components.Pages;

namespace RagLab.Web.Tests.Components;

public sealed class DocumentsPageTests : PageTestContext
{
    private static readonly DocumentResponse Refunds = Samples.Document("refunds.md");
    private static readonly DocumentResponse Broken = Samples.Document("scan.pdf", status: DocumentStatus.Failed, chunks: 0,
        error: "The PDF has no text layer (a scanned document): run OCR on it first.");
    private static readonly DocumentResponse Hostile = Samples.Document(Samples.Hostile + ".md");

    [Fact]
    public void Shows_loading_then_the_documents_of_the_collection()
    {
        var release = Api.Hold(HttpMethod.Get, "/api/documents", new List<DocumentResponse> { Refunds, Broken, Samples.Document("other.md", collection: "support") });
        var page = Render<Documents>();

        Assert.Contains("Loading documents", page.Markup);

        release.SetResult();
        page.WaitForAssertion(() => Assert.Equal(["refunds.md", "scan.pdf"], page.FindAll("[data-testid=document-row]").Select(r => r.GetAttribute("data-name"))));
        var failed = page.Find("[data-name='scan.pdf']");
        Assert.Contains("failed", failed.TextContent);
        Assert.Contains("run OCR on it first", failed.TextContent);
        Assert.Equal(["default (2)", "support (1)"], page.FindAll("#collection-select option").Select(o => o.TextContent));
    }

    [Fact]
    public void An_empty_collection_says_to_upload()
    {
        Api.Get("/api/documents", new List<DocumentResponse> { Refunds });
        Services.GetRequiredService<NavigationManager>().NavigateTo("/documents?collection=empty-one");
        var page = Render<Documents>();

        page.WaitForAssertion(() => Assert.Contains("No documents in empty-one yet", TextOf(page.Find("[data-testid=empty]"))));
        Assert.Contains("Upload into empty-one", TextOf(page.Find("#upload-heading")));
    }

    [Fact]
    public void Shows_why_the_documents_could_not_be_loaded_and_retries()
    {
        Api.Problem(HttpMethod.Get, "/api/documents", HttpStatusCode.InternalServerError, "An unexpected error occurred; see the server log.");
        var page = Render<Documents>();

        page.WaitForAssertion(() => Assert.Contains("The documents could not be loaded: An unexpected error occurred", page.Find("[data-testid=error]").TextContent));

        Api.Get("/api/documents", new List<DocumentResponse> { Refunds });
        page.FindAll("button").Single(b => b.TextContent == "Try again").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=document-row]")));
    }

    [Fact]
    public void Names_and_chunk_text_with_html_are_shown_as_text()
    {
        Api.Get("/api/documents", new List<DocumentResponse> { Hostile })
           .Get($"/api/documents/{Hostile.Id}/chunks", Samples.Chunks(Hostile, Samples.Hostile));
        var page = Render<Documents>();
        page.WaitForElement("[data-testid=document-row]");

        page.Find("[data-testid=document-row] button").Click(); // Chunks

        page.WaitForElement("[data-testid=document-viewer] li.chunk");
        Assert.Empty(page.FindAll("script"));
        Assert.Empty(page.FindAll("img"));
        Assert.Contains(Samples.Hostile + ".md", page.Find("[data-testid=document-row] th").TextContent);
        Assert.Contains(Samples.Hostile, page.Find("[data-testid=document-viewer] .chunk-text").TextContent);
    }

    [Fact]
    public void Uploads_several_files_each_with_its_own_progress_and_result()
    {
        var ready = Refunds with { Chunks = 3 };
        Api.Get("/api/documents", new List<DocumentResponse>())
           .On(HttpMethod.Post, "/api/documents", async request =>
           {
               var body = await request.Content!.ReadAsStringAsync();
               return body.Contains("filename=setup.exe")
                   ? Problem(HttpStatusCode.UnsupportedMediaType, "'.exe' files are not supported. Upload .txt, .md, .html, .docx or .pdf.")
                   : Json(new UploadResponse([new UploadedDocument(Refunds.Id, "refunds.md", DocumentStatus.Queued, "job-1", "default")]), HttpStatusCode.Accepted);
           })
           .Get("/api/jobs/job-1", new JobResponse("job-1", "ingest-batch", JobStatus.Succeeded, 1, "indexed 1/1", null, Samples.When, Samples.When))
           .Get($"/api/documents/{Refunds.Id}", ready);
        var page = Render<Documents>();
        page.WaitForElement("[data-testid=upload-input]");

        page.FindComponent<InputFile>().UploadFiles(
            InputFileContent.CreateFromText("# Refunds\n\nWithin 30 days.", "refunds.md"),
            InputFileContent.CreateFromText("MZ", "setup.exe"));

        page.WaitForAssertion(() => Assert.Equal("ready", page.Find("[data-testid=upload][data-name='refunds.md']").GetAttribute("data-stage")));
        Assert.Contains("ready · 3 chunks", page.Find("[data-testid=upload][data-name='refunds.md']").TextContent);
        var refused = page.Find("[data-testid=upload][data-name='setup.exe']");
        Assert.Equal("failed", refused.GetAttribute("data-stage"));
        Assert.Contains("'.exe' files are not supported", refused.TextContent);
        Assert.Contains("1 of 2 ready, 1 failed", page.Find(".upload-panel [role=status]").TextContent);
    }

    [Fact]
    public void Delete_asks_once_more_then_removes_the_document()
    {
        var documents = new List<DocumentResponse> { Refunds, Broken };
        Api.On(HttpMethod.Get, "/api/documents", _ => Task.FromResult(Json(documents.ToList(), HttpStatusCode.OK)))
           .On(HttpMethod.Delete, $"/api/documents/{Refunds.Id}", _ =>
           {
               documents.Remove(Refunds);
               return Task.FromResult(new HttpResponseMessage(HttpStatusCode.NoContent));
           });
        var page = Render<Documents>();
        page.WaitForElement("[data-name='refunds.md'] [data-testid=delete]");

        page.Find("[data-name='refunds.md'] [data-testid=delete]").Click();
        Assert.DoesNotContain($"DELETE /api/documents/{Refunds.Id}", Api.Requests);
        page.Find("[data-name='refunds.md'] [data-testid=confirm-delete]").Click();

        page.WaitForAssertion(() => Assert.Equal(["scan.pdf"], page.FindAll("[data-testid=document-row]").Select(r => r.GetAttribute("data-name"))));
        Assert.Contains($"DELETE /api/documents/{Refunds.Id}", Api.Requests);
    }

    [Fact]
    public void Re_ingest_indexes_the_document_again_and_follows_its_job()
    {
        Api.Get("/api/documents", new List<DocumentResponse> { Broken })
           .Json(HttpMethod.Post, $"/api/documents/{Broken.Id}/reingest", new UploadResponse([new UploadedDocument(Broken.Id, "scan.pdf", DocumentStatus.Queued, "job-2", "default")]), HttpStatusCode.Accepted)
           .Get("/api/jobs/job-2", new JobResponse("job-2", "ingest-batch", JobStatus.Failed, 1, null, "no text", Samples.When, Samples.When))
           .Get($"/api/documents/{Broken.Id}", Broken);
        var page = Render<Documents>();
        page.WaitForElement("[data-testid=document-row]");

        page.FindAll("[data-testid=document-row] button").Single(b => b.TextContent.StartsWith("Re-ingest")).Click();

        page.WaitForAssertion(() => Assert.Equal("failed", page.Find("[data-testid=upload][data-name='scan.pdf']").GetAttribute("data-stage")));
        Assert.Contains("run OCR on it first", page.Find("[data-testid=upload][data-name='scan.pdf']").TextContent);
    }

    [Fact]
    public void The_debugger_searches_with_all_three_retrievers_and_shows_each_ones_error_apart()
    {
        Api.Get("/api/documents", new List<DocumentResponse> { Refunds })
           .On(HttpMethod.Post, "/api/search", async request =>
           {
               var search = System.Text.Json.JsonSerializer.Deserialize<SearchRequest>(await request.Content!.ReadAsStringAsync(), RagLabJson.Options)!;
               if (search.Retriever == "dense")
                   return Problem(HttpStatusCode.ServiceUnavailable, "Dense retrieval needs an embedding model; none is connected.");
               var score = search.Retriever == "bm25" ? 7.25 : 0.0325;
               return Json(new SearchResponse([new SearchHit(1, score, Refunds.Id + "-c0", Refunds.Id, "refunds.md", "Refunds within 30 days.", "Refunds", 0, 23)],
                   search.Retriever!, new SearchTimings(0.3)), HttpStatusCode.OK);
           });
        var page = Render<Documents>();
        page.WaitForElement("#debug-query");

        page.Find("#debug-query").Input("refund window");
        page.Find("form.debugger-form").Submit();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=retriever-column]").Count(c => c.QuerySelector(".loading") is null)));
        Assert.Equal(["bm25", "dense", "hybrid"], page.FindAll("[data-testid=retriever-column]").Select(c => c.GetAttribute("data-retriever")));
        Assert.Contains("7.25", page.Find("[data-retriever=bm25] [data-testid=hit]").TextContent);
        Assert.Contains("0.0325", page.Find("[data-retriever=hybrid] [data-testid=hit]").TextContent);
        Assert.Contains("needs an embedding model", page.Find("[data-retriever=dense] [data-testid=error]").TextContent);
    }

    private static HttpResponseMessage Json(object body, HttpStatusCode status) =>
        new(status) { Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(body, body.GetType(), RagLabJson.Options), System.Text.Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Problem(HttpStatusCode status, string detail) =>
        new(status) { Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(new { title = status.ToString(), status = (int)status, detail }), System.Text.Encoding.UTF8, "application/problem+json") };
}
