using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace RagLab.Web.Tests.Browser;

/// <summary>
/// The lab as a user drives it in Chromium: the real Web and Api on loopback ports, the in-test model server answering.
/// Each test works in its own collection, so they do not depend on each other's order.
/// </summary>
public sealed class LabInTheBrowserTests(LabServers lab) : IClassFixture<LabServers>, IAsyncLifetime
{
    private readonly List<IPage> _pages = [];

    private const string Refunds = "# Refunds\n\n## Window\n\nRefunds are accepted within 30 days of purchase. Keep the receipt.\n\n## Shipping\n\nReturn shipping is paid by the customer.";
    private const string Warranty = "The warranty lasts two years from delivery. It covers parts and labour.";
    private const string RefundQuestion = "How long is the refund window after a purchase?";

    [Fact]
    public async Task Uploads_two_documents_shows_each_one_s_progress_until_ready_and_searches_with_three_retrievers()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("documents?collection=uploads");
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lab.Ollama.BeforeEmbed = abort => held.Task.WaitAsync(abort); // holds indexing mid-way, so its progress is on screen
        try
        {
            await BlazorInputFile.ChooseAsync(page.Locator("[data-testid=upload-input]"),
                new FilePayload { Name = "refunds.md", MimeType = "text/markdown", Buffer = Encoding.UTF8.GetBytes(Refunds) },
                new FilePayload { Name = "warranty.txt", MimeType = "text/plain", Buffer = Encoding.UTF8.GetBytes(Warranty) });

            foreach (var name in new[] { "refunds.md", "warranty.txt" })
                await Expect(page.Locator($"[data-testid=upload][data-name='{name}'] progress")).ToBeVisibleAsync();
        }
        finally
        {
            lab.Ollama.BeforeEmbed = null;
            held.TrySetResult();
        }

        foreach (var name in new[] { "refunds.md", "warranty.txt" })
        {
            await Expect(page.Locator($"[data-testid=upload][data-name='{name}']")).ToHaveAttributeAsync("data-stage", "ready");
            await Expect(page.Locator($"[data-testid=document-row][data-name='{name}']")).ToContainTextAsync("ready");
        }
        await Expect(page.Locator("[data-testid=upload][data-name='refunds.md']")).ToContainTextAsync("chunk");

        await page.GetByLabel("Query").FillAsync("refund window");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search all three" }).ClickAsync();
        foreach (var retriever in new[] { "bm25", "dense", "hybrid" })
            await Expect(page.Locator($"[data-retriever={retriever}] [data-testid=hit]").First).ToContainTextAsync("refunds.md");

        await Screenshots.SaveAsync(page, "documents");
        AssertNothingLeftTheLoopback();
    }

    [Fact]
    public async Task Asks_rag_and_base_side_by_side_sees_them_stream_and_a_citation_opens_the_right_chunk()
    {
        await UploadAsync("chat", ("refunds.md", Refunds), ("warranty.txt", Warranty));
        var page = await OpenChatAsync("chat");

        await AskAsync(page, RefundQuestion);

        // base answers without sources, slowly enough to be seen arriving word by word.
        await Expect(page.Locator("[data-testid=answer][data-mode=base][data-state=streaming]")).ToBeVisibleAsync();
        var rag = page.Locator("[data-testid=turn]").First.Locator("[data-testid=answer][data-mode=rag]");
        var @base = page.Locator("[data-testid=turn]").First.Locator("[data-testid=answer][data-mode=base]");
        await Expect(rag).ToHaveAttributeAsync("data-state", "done");
        await Expect(@base).ToHaveAttributeAsync("data-state", "done");
        await Expect(rag.Locator("[data-testid=answer-text]")).ToContainTextAsync("Refunds are accepted within 30 days of purchase");
        await Expect(@base.Locator("[data-testid=answer-text]")).ToHaveTextAsync(LabModel.BaseAnswer);
        await Expect(rag.Locator("[data-testid=answer-meta]")).ToContainTextAsync("qwen2.5:1.5b");

        var citation = rag.Locator("[data-testid=citation]").First;
        await Expect(citation).ToHaveTextAsync("refunds.md");
        var chunkId = await citation.GetAttributeAsync("data-chunk-id");
        await citation.FocusAsync();
        await page.Keyboard.PressAsync("Enter"); // the keyboard opens a source as a click does

        var viewer = page.Locator("[data-testid=document-viewer]");
        await Expect(viewer.Locator("h2")).ToHaveTextAsync("refunds.md");
        await Expect(viewer.Locator("li.cited")).ToHaveAttributeAsync("data-chunk-id", chunkId!);
        await Expect(viewer.Locator("li.cited mark")).ToHaveTextAsync("Refunds are accepted within 30 days of purchase.");
        await Expect(viewer.Locator("li.cited")).ToContainTextAsync("Refunds > Window");
        await Expect(viewer.Locator("li.cited")).ToBeFocusedAsync();
        await Screenshots.SaveAsync(page, "chat");

        await page.Keyboard.PressAsync("Escape");
        await Expect(viewer).ToHaveCountAsync(0);
        AssertNothingLeftTheLoopback();
    }

    [Fact]
    public async Task Stop_ends_a_streaming_answer()
    {
        await UploadAsync("stopping", ("refunds.md", Refunds));
        var page = await OpenChatAsync("stopping");
        await page.Locator("#mode-base").UncheckAsync();

        await AskAsync(page, $"Explain the refund window {LabModel.SlowWord}");
        var rag = page.Locator("[data-testid=answer][data-mode=rag]");
        await Expect(rag.Locator("[data-testid=answer-text]")).ToContainTextAsync("word3");
        await rag.Locator("[data-testid=stop]").ClickAsync();

        await Expect(rag).ToHaveAttributeAsync("data-state", "cancelled");
        await Expect(rag.Locator("[data-testid=answer-text]")).Not.ToContainTextAsync("word150");
        await Expect(rag.Locator("[data-testid=stop]")).ToHaveCountAsync(0);
        AssertNothingLeftTheLoopback();
    }

    [Fact]
    public async Task A_deleted_document_is_gone_from_the_answers()
    {
        await UploadAsync("deleting", ("refunds.md", Refunds), ("warranty.txt", Warranty));
        var page = await OpenChatAsync("deleting");
        await page.Locator("#mode-base").UncheckAsync();
        await AskAsync(page, RefundQuestion);
        await Expect(page.Locator("[data-testid=turn]").First.Locator("[data-testid=citation]").First).ToHaveTextAsync("refunds.md");

        await page.GetByRole(AriaRole.Link, new() { Name = "Documents" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Documents");
        await page.Locator("#collection-select").SelectOptionAsync("deleting");
        var row = page.Locator("[data-testid=document-row][data-name='refunds.md']");
        await row.Locator("[data-testid=delete]").ClickAsync();
        await row.Locator("[data-testid=confirm-delete]").ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=document-row][data-name='warranty.txt']")).ToHaveCountAsync(1);

        await page.GetByRole(AriaRole.Link, new() { Name = "Chat" }).ClickAsync();
        await Expect(page.Locator("[data-testid=turn]")).ToHaveCountAsync(1); // the conversation stayed with the tab
        await page.GetByLabel("Collection").SelectOptionAsync("deleting");
        await page.Locator("#mode-base").UncheckAsync();
        await AskAsync(page, RefundQuestion);

        var latest = page.Locator("[data-testid=turn]").First;
        await Expect(page.Locator("[data-testid=turn]")).ToHaveCountAsync(2);
        await Expect(latest.Locator("[data-testid=answer][data-mode=rag]")).ToHaveAttributeAsync("data-state", "done");
        await Expect(latest.Locator("[data-testid=citation]", new() { HasText = "refunds.md" })).ToHaveCountAsync(0);
        await Expect(latest.Locator("[data-testid=answer-text]")).Not.ToContainTextAsync("30 days");
        await Expect(page.Locator("[data-testid=turn]").Last.Locator("[data-testid=citation]").First).ToHaveTextAsync("refunds.md");
        AssertNothingLeftTheLoopback();
    }

    [Fact]
    public async Task Runs_an_evaluation_and_reads_its_table_charts_and_recommendation()
    {
        await UploadAsync("evals", ("refunds.md", Refunds), ("warranty.txt", Warranty));
        var page = await NewPageAsync();
        await page.GotoAsync("evaluations");

        await Expect(page.Locator("[data-testid=no-sets]")).ToBeVisibleAsync();
        if (!await page.Locator("#jsonl-name").IsVisibleAsync()) await page.GetByText("Upload JSON Lines").ClickAsync();
        await BlazorInputFile.ChooseAsync(page.Locator("#jsonl-file"), new FilePayload
        {
            Name = "shop-faq.jsonl",
            MimeType = "application/jsonl",
            Buffer = Encoding.UTF8.GetBytes(string.Join("\n",
                Line("How long is the refund window after a purchase?", "Refunds are accepted within 30 days of purchase", "refunds.md"),
                Line("How long does the warranty last after delivery?", "The warranty lasts two years from delivery", "warranty.txt"),
                Line("Who pays the return shipping?", "Return shipping is paid by the customer", "refunds.md"))),
        });
        await page.Locator("#jsonl-name").FillAsync("shop-faq");
        await page.Locator("#jsonl-collection").FillAsync("evals");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Expect(page.Locator("[data-testid=eval-set-row]", new() { HasText = "shop-faq" })).ToHaveCountAsync(1);

        await page.Locator("#run-price-in").FillAsync("0.5");
        await page.Locator("#run-price-out").FillAsync("1.5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the run" }).ClickAsync();
        var run = page.Locator("[data-testid=run-row]").First;
        await Expect(run).ToHaveAttributeAsync("data-status", "completed");
        await Screenshots.SaveAsync(page, "evaluations");

        await run.GetByRole(AriaRole.Link).First.ClickAsync();
        await Expect(page.Locator("[data-testid=metrics-row][data-mode=rag]", new() { HasText = "bm25" })).ToContainTextAsync("3 / 3");
        await Expect(page.Locator("[data-testid=metrics-row][data-mode=base]").First).ToContainTextAsync("3 / 3");
        foreach (var chart in new[] { "quality", "latency", "cost" })
            await Expect(page.Locator($"[data-chart={chart}] svg [data-testid=bar]:not([height='0'])").First).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=question-row]")).ToHaveCountAsync(3);
        await Screenshots.SaveAsync(page, "eval-run");

        await page.GetByRole(AriaRole.Link, new() { Name = "Get the recommendation for this run" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Recommend" }).ClickAsync();
        await Expect(page.Locator("[data-testid=recommendation] h2")).ToContainTextAsync("Recommendation:");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-testid=download-md]").ClickAsync());
        var markdown = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("# RagLab decision report", markdown);
        await Screenshots.SaveAsync(page, "decision");
        AssertNothingLeftTheLoopback();
    }

    [Fact]
    public async Task Html_and_script_in_names_documents_and_answers_are_shown_never_run()
    {
        const string name = "<img src=x onerror=\"window.__xss=1\">.txt";
        const string text = "<script>alert(2)</script> <img src=x onerror=\"alert(3)\"> The hostile handbook says refunds take 30 days.";
        await UploadAsync("hostile", (name, text));
        var page = await OpenChatAsync("hostile");
        var dialogs = 0;
        page.Dialog += async (_, dialog) => { dialogs++; await dialog.DismissAsync(); };
        await page.Locator("#mode-base").UncheckAsync();

        await AskAsync(page, "What does the hostile handbook say about refunds?");
        var rag = page.Locator("[data-testid=answer][data-mode=rag]");
        await Expect(rag).ToHaveAttributeAsync("data-state", "done");
        await Expect(rag.Locator("[data-testid=answer-text]")).ToContainTextAsync("<script>alert(2)</script> <img src=x onerror=\"alert(3)\">");
        await Expect(rag.Locator("[data-testid=citation]").First).ToHaveTextAsync(name);
        await rag.Locator("[data-testid=citation]").First.ClickAsync();
        await Expect(page.Locator("[data-testid=document-viewer] h2")).ToHaveTextAsync(name);
        await Expect(page.Locator("[data-testid=document-viewer] li.cited")).ToContainTextAsync("<script>alert(2)</script>");

        await page.GetByRole(AriaRole.Link, new() { Name = "Documents" }).ClickAsync();
        await page.Locator("#collection-select").SelectOptionAsync("hostile");
        await Expect(page.Locator("[data-testid=document-row] th")).ToHaveTextAsync(name);

        Assert.True(await page.EvaluateAsync<bool>("() => window.__xss === undefined"), "the name's payload ran in the page");
        Assert.Equal(0, dialogs); // the text's payloads would have opened alerts
        await Expect(page.Locator("main img, main script")).ToHaveCountAsync(0);
        AssertNothingLeftTheLoopback();
    }

    [Fact]
    public async Task Every_page_fits_a_phone_and_fine_tuning_shows_a_dataset_the_api_holds()
    {
        // A dataset uploaded to the real Api: the page reads it through the same Contracts types the Api writes.
        const string examples = """
            {"messages":[{"role":"user","content":"How long is the refund window?"},{"role":"assistant","content":"30 days from purchase."}]}
            {"messages":[{"role":"user","content":"Who pays return shipping?"},{"role":"assistant","content":"The customer."}]}
            {"messages":[{"role":"user","content":"How long is the warranty?"},{"role":"assistant","content":"Two years from delivery."}]}
            """;
        using (var form = new MultipartFormDataContent
        {
            { new StringContent(examples, Encoding.UTF8, "application/jsonl"), "file", "support.jsonl" },
            { new StringContent("support-answers"), "name" },
            { new StringContent("0"), "validationShare" },
        })
        using (var uploaded = await lab.ApiClient.PostAsync("/api/datasets/upload", form))
            Assert.True(uploaded.IsSuccessStatusCode, await uploaded.Content.ReadAsStringAsync());

        var page = await NewPageAsync(width: 390, height: 844);
        foreach (var (path, heading) in new[] { ("", "Chat"), ("documents", "Documents"), ("evaluations", "Evaluations"), ("decision", "Decision"), ("fine-tuning", "Fine-tuning") })
        {
            await page.GotoAsync(path);
            await Expect(page.Locator("h1")).ToHaveTextAsync(heading);
            await Expect(page.Locator("h1")).ToBeFocusedAsync(); // a screen reader starts at the new page's heading
            await Expect(page.Locator("[data-testid=status] summary")).Not.ToContainTextAsync("checking");
            if (path == "fine-tuning") await Expect(page.Locator("[data-testid=dataset-row]")).ToHaveCountAsync(1);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 1, $"/{path} is {overflow}px wider than a phone's screen.");
        }
        // The Api has the fine-tuning routes but no trainer here: the page says so in the Api's words and lists what there is.
        await Expect(page.Locator("[data-testid=not-available]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=training-not-available]")).ToContainTextAsync("RagLab:FineTuning:Trainer:Endpoint");
        await Expect(page.GetByText("No fine-tuning jobs yet.")).ToBeVisibleAsync();

        var desktop = await NewPageAsync();
        await desktop.GotoAsync("fine-tuning");
        var row = desktop.Locator("[data-testid=dataset-row]");
        await Expect(row).ToContainTextAsync("support-answers");
        await Expect(row).ToContainTextAsync("ready");
        await row.GetByRole(AriaRole.Button, new() { Name = "Preview support-answers" }).ClickAsync();
        var preview = desktop.Locator("[data-testid=dataset-preview]");
        await Expect(preview.Locator("[data-testid=dataset-statistics] div").Filter(new() { HasText = "Train examples" }).Locator("dd")).ToHaveTextAsync("3");
        await Expect(preview.Locator("[data-testid=train-examples]")).ToContainTextAsync("How long is the refund window?");
        await Screenshots.SaveAsync(desktop, "fine-tuning");
        AssertNothingLeftTheLoopback();
    }

    private async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var page = await lab.NewPageAsync(width, height);
        _pages.Add(page);
        return page;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Keeps how each page last looked (in the test output folder, to see why a test failed) and closes it.</summary>
    public async Task DisposeAsync()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "browser-pages");
        Directory.CreateDirectory(folder);
        foreach (var page in _pages)
        {
            var name = string.Concat(new Uri(page.Url).AbsolutePath.Where(char.IsLetterOrDigit)) is { Length: > 0 } path ? path : "chat";
            try { await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{DateTime.UtcNow:HHmmss}-{name}.png"), FullPage = true }); }
            catch (PlaywrightException) { }
            await page.Context.CloseAsync();
        }
    }

    private static string Line(string question, string answer, string document) =>
        JsonSerializer.Serialize(new { question, answer, relevantDocuments = new[] { document } });

    private async Task<IPage> OpenChatAsync(string collection)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("");
        await Expect(page.Locator($"#collection option[value='{collection}']")).ToHaveCountAsync(1);
        await page.GetByLabel("Collection").SelectOptionAsync(collection);
        await Expect(page.Locator("#mode-rag")).ToBeCheckedAsync();
        return page;
    }

    private static async Task AskAsync(IPage page, string question)
    {
        await page.GetByLabel("Question").FillAsync(question);
        await page.GetByLabel("Question").PressAsync("Enter");
    }

    /// <summary>Uploads documents through the Api (what these tests are not about) and waits until they are ready.</summary>
    private async Task UploadAsync(string collection, params (string Name, string Text)[] documents)
    {
        foreach (var (name, text) in documents)
        {
            using var response = await lab.ApiClient.PostAsJsonAsync("/api/documents", new { name, text, collection });
            response.EnsureSuccessStatusCode();
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("documents")[0].GetProperty("id").GetString();
            for (var attempt = 0; ; attempt++)
            {
                var document = await lab.ApiClient.GetFromJsonAsync<JsonElement>($"/api/documents/{id}");
                var status = document.GetProperty("status").GetString();
                if (status == "ready") break;
                Assert.True(status != "failed" && attempt < 1200, $"{name} did not become ready: {document}");
                await Task.Delay(100);
            }
        }
    }

    private void AssertNothingLeftTheLoopback()
    {
        Assert.NotEmpty(lab.Requests.All);
        Assert.Empty(lab.Requests.LeftTheMachine());
    }
}
