using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Components.Forms;
using RagLab.Contracts;
using RagLab.Web.Components.Pages;
using static RagLab.Web.Tests.Components.FineTuneSamples;

namespace RagLab.Web.Tests.Components;

// Making a dataset from the page: built from a collection, or uploaded as chat JSONL.
public sealed partial class FineTuningPageTests
{
    private List<DatasetResponse> _listed = [];

    private void ListDatasetsFromField() =>
        Api.On(HttpMethod.Get, "/api/datasets", _ => Task.FromResult(ScriptedApi.JsonResponse(Volatile.Read(ref _listed))));

    [Fact]
    public void The_build_form_posts_the_chosen_settings_and_the_new_dataset_is_followed_until_it_is_ready()
    {
        ListDatasetsFromField();
        Api.Get("/api/documents", new List<DocumentResponse> { Samples.Document("refunds.md", "support") });
        string? posted = null;
        var building = Dataset("ds_9", "faq-raft", "building") with { Collection = "support" };
        Api.On(HttpMethod.Post, "/api/datasets", async request =>
        {
            posted = await request.Content!.ReadAsStringAsync();
            Volatile.Write(ref _listed, [building]);
            return ScriptedApi.JsonResponse(building, HttpStatusCode.Accepted);
        });
        var page = Render<FineTuning>();
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("#build-collection option"), o => o.TextContent == "support"));

        page.Find("#build-name").Change("faq-raft");
        page.Find("#build-collection").Change("support");
        page.Find("#build-max-chunks").Change("50");
        page.Find("#build-questions").Change("2");
        page.Find("#build-distractors").Change("3");
        page.Find("#build-oracle").Change("0.7");
        page.Find("#build-validation").Change("0.2");
        page.Find("[data-testid=build-dataset]").Submit();

        page.WaitForAssertion(() => Assert.Equal("building", page.Find("[data-dataset-id=ds_9]").GetAttribute("data-status")));
        Assert.Equal(new CreateDatasetRequest("faq-raft", "support", "raft", 50, 2, 3, 0.7, 0.2), JsonSerializer.Deserialize<CreateDatasetRequest>(posted!, RagLabJson.Options));
        using (var json = JsonDocument.Parse(posted!)) Assert.Equal("raft", json.RootElement.GetProperty("kind").GetString()); // the Api's word for the kind
        Assert.Contains("faq-raft", TextOf(page.Find("[data-testid=build-accepted]")));
        Assert.Contains("building", TextOf(page.Find("[data-testid=build-accepted]")));

        Volatile.Write(ref _listed, [Dataset("ds_9", "faq-raft", "ready") with { Collection = "support" }]); // the build job ends
        page.WaitForAssertion(() => Assert.Equal("ready", page.Find("[data-dataset-id=ds_9]").GetAttribute("data-status")));
        page.WaitForAssertion(() => Assert.Equal("ready", page.Find("[data-testid=build-accepted]").GetAttribute("data-status")));
        Assert.Equal("40", TextOf(page.Find("[data-dataset-id=ds_9]").Children[4]));
        Assert.True(page.Find("[data-testid=build-dataset]").ParentElement!.HasAttribute("open")); // the first dataset does not fold the form away
    }

    [Fact]
    public void A_closed_book_build_sends_no_RAFT_settings_and_leaves_empty_fields_to_the_Api()
    {
        string? posted = null;
        Api.On(HttpMethod.Post, "/api/datasets", async request =>
        {
            posted = await request.Content!.ReadAsStringAsync();
            return ScriptedApi.JsonResponse(Dataset("ds_8", "faq-cb", "building"), HttpStatusCode.Accepted);
        });
        var page = Render<FineTuning>();
        page.WaitForElement("#build-distractors");

        page.Find("input[name=build-kind][value=closedBook]").Change(true);
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#build-distractors")));
        page.Find("#build-name").Change("faq-cb");
        page.Find("[data-testid=build-dataset]").Submit();

        page.WaitForAssertion(() => Assert.NotNull(posted));
        Assert.Equal(new CreateDatasetRequest("faq-cb", "default", "closedBook"), JsonSerializer.Deserialize<CreateDatasetRequest>(posted!, RagLabJson.Options));
    }

    [Fact]
    public void A_refused_build_shows_the_Apis_problem_next_to_the_form()
    {
        Api.Problem(HttpMethod.Post, "/api/datasets", HttpStatusCode.BadRequest, "Collection 'default' has no chunks yet: upload documents first.");
        var page = Render<FineTuning>();
        page.WaitForElement("#build-name");

        page.Find("#build-name").Change("empty");
        page.Find("[data-testid=build-dataset]").Submit();

        page.WaitForAssertion(() => Assert.Equal("The dataset was not built: Collection 'default' has no chunks yet: upload documents first.",
            page.Find("[data-testid=build-dataset] [data-testid=error]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=build-accepted]"));
        Assert.Empty(page.FindAll("[data-testid=dataset-row]"));
    }

    [Fact]
    public void The_upload_posts_multipart_and_lists_each_bad_line_from_the_problems_errors()
    {
        var parts = new Dictionary<string, (string? FileName, string Text)>();
        string? mediaType = null;
        // The detail names the first lines only; the errors extension holds every one, and is what the page lists.
        const string detail = "3 of 4 lines are not valid chat examples ({\"messages\": [{\"role\": \"user\", \"content\": \"…\"}, {\"role\": \"assistant\", \"content\": \"…\"}]} per line); nothing was stored. "
            + "line 2: not JSON: '<script>alert(1)</script>' is invalid; and 2 more.";
        DatasetLineError[] errors =
        [
            new(2, "not JSON: '<script>alert(1)</script>' is invalid"),
            new(3, "no assistant message"),
            new(4, "role 'bot' is unknown; use system, user or assistant"),
        ];
        Api.On(HttpMethod.Post, "/api/datasets/upload", async request =>
        {
            mediaType = request.Content!.Headers.ContentType?.MediaType;
            foreach (var part in (MultipartFormDataContent)request.Content)
                parts[part.Headers.ContentDisposition!.Name!.Trim('"')] = (part.Headers.ContentDisposition.FileName?.Trim('"'), await part.ReadAsStringAsync());
            return ScriptedApi.ProblemWithLines(detail, errors);
        });
        var page = Render<FineTuning>();
        page.WaitForElement("#dataset-file");

        const string jsonl = "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}\n<script>alert(1)</script>\n{\"messages\":[]}\n{\"messages\":[{\"role\":\"bot\",\"content\":\"c\"}]}";
        page.FindComponents<InputFile>().Single(f => f.Instance.AdditionalAttributes?["id"] as string == "dataset-file")
            .UploadFiles(InputFileContent.CreateFromText(jsonl, "support.jsonl"));
        page.Find("#upload-name").Change("support-chat");
        page.Find("[data-testid=upload-dataset]").Submit();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=line-errors] li").Count));
        Assert.Equal("multipart/form-data", mediaType);
        Assert.Equal(("support.jsonl", jsonl), parts["file"]);
        Assert.Equal("support-chat", parts["name"].Text);
        Assert.Equal("default", parts["collection"].Text);
        var lines = page.FindAll("[data-testid=line-errors] li");
        Assert.Equal(["2", "3", "4"], lines.Select(l => l.GetAttribute("data-line")));
        Assert.Equal("Line 2: not JSON: '<script>alert(1)</script>' is invalid", TextOf(lines[0]));
        Assert.Equal("Line 3: no assistant message", TextOf(lines[1]));
        Assert.Equal("Line 4: role 'bot' is unknown; use system, user or assistant", TextOf(lines[2]));
        Assert.Empty(page.FindAll("[data-testid=upload-error] script")); // the Api's words are shown as text, never as markup
        Assert.Contains("3 lines are not valid in support.jsonl; nothing was stored.", TextOf(page.Find("[data-testid=upload-error]")));
    }

    [Fact]
    public void Without_the_errors_extension_the_refusals_detail_is_shown_whole()
    {
        Api.Problem(HttpMethod.Post, "/api/datasets/upload", HttpStatusCode.BadRequest, "The file holds no example: give one chat example per line.");
        var page = Render<FineTuning>();
        page.WaitForElement("#dataset-file");

        page.FindComponents<InputFile>().Single(f => f.Instance.AdditionalAttributes?["id"] as string == "dataset-file")
            .UploadFiles(InputFileContent.CreateFromText("\n\n", "empty.jsonl"));
        page.Find("[data-testid=upload-dataset]").Submit();

        page.WaitForAssertion(() => Assert.Equal("The file holds no example: give one chat example per line.", TextOf(page.Find("[data-testid=upload-dataset] [data-testid=error]"))));
        Assert.Empty(page.FindAll("[data-testid=line-errors]"));
    }

    [Fact]
    public void An_accepted_upload_appears_in_the_list()
    {
        ListDatasetsFromField();
        var uploaded = Dataset("ds_7", "support-chat") with { Kind = "upload" };
        Api.On(HttpMethod.Post, "/api/datasets/upload", _ =>
        {
            Volatile.Write(ref _listed, [uploaded]);
            return Task.FromResult(ScriptedApi.JsonResponse(uploaded, HttpStatusCode.Created));
        });
        var page = Render<FineTuning>();
        page.WaitForElement("#dataset-file");

        page.FindComponents<InputFile>().Single(f => f.Instance.AdditionalAttributes?["id"] as string == "dataset-file")
            .UploadFiles(InputFileContent.CreateFromText("{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}", "support-chat.jsonl"));
        page.Find("[data-testid=upload-dataset]").Submit();

        page.WaitForAssertion(() => Assert.Equal("ready", page.Find("[data-dataset-id=ds_7]").GetAttribute("data-status")));
        Assert.Contains("Uploaded support-chat with 40 training and 5 validation examples.", TextOf(page.Find("[data-testid=upload-done]")));
    }
}
