using System.IO.Pipelines;
using System.Net;
using System.Text;
using RagLab.Contracts;
using RagLab.Web.Components.Pages;

namespace RagLab.Web.Tests.Components;

public sealed class ChatPageTests : PageTestContext
{

    private static readonly DocumentResponse Refunds = Samples.Document("refunds.md");
    private static readonly AskCitation RefundCitation = new(Refunds.Id + "-c1", Refunds.Id, "refunds.md", "Refunds are accepted within 30 days of purchase.");

    public ChatPageTests()
    {
        Api.Get("/api/modes", Samples.Modes())
           .Get("/api/status", Samples.Status())
           .Get("/api/documents", new List<DocumentResponse> { Refunds, Samples.Document("guide.md", collection: "support") });
    }

    private static IEnumerable<AskStreamEvent> Tokens(AskResponse response)
    {
        foreach (var word in response.Answer.Split(' ')) yield return new AskTokenEvent(word + " ");
        yield return new AskDoneEvent(response);
    }

    private static IEnumerable<AskStreamEvent> Answers(AskRequest request) => request.Mode switch
    {
        "rag" => Tokens(Samples.Answer("rag", "Refunds are accepted within 30 days [2].", [RefundCitation], ["other-chunk", RefundCitation.ChunkId],
            ["Citation [5] pointed at nothing retrieved and was removed."])),
        _ => Tokens(Samples.Answer("base", "Usually 14 days.", [])),
    };

    /// <summary>An answer's figures as a reader pairs them: each term with its value.</summary>
    private static Dictionary<string, string> Meta(AngleSharp.Dom.IElement answer) =>
        answer.QuerySelectorAll("[data-testid=answer-meta] div").ToDictionary(d => d.QuerySelector("dt")!.TextContent, d => d.QuerySelector("dd")!.TextContent);

    private void Ask(IRenderedComponent<Chat> page, string question)
    {
        page.WaitForElement("#mode-rag");
        page.Find("#question").Input(question);
        page.Find("form.ask-form").Submit();
    }

    [Fact]
    public void Shows_loading_then_every_mode_with_its_description()
    {
        var release = Api.Hold(HttpMethod.Get, "/api/modes", Samples.Modes());
        var page = Render<Chat>();

        Assert.Contains("Loading the modes", page.Find("[data-testid=modes]").TextContent);

        release.SetResult();
        page.WaitForAssertion(() =>
        {
            Assert.True(page.Find("#mode-rag").HasAttribute("checked"));
            Assert.True(page.Find("#mode-base").HasAttribute("checked"));
            Assert.Contains("Retrieved chunks, cited.", page.Find("[data-testid=modes]").TextContent);
        });
    }

    [Fact]
    public void Shows_why_the_modes_could_not_be_loaded()
    {
        Api.Problem(HttpMethod.Get, "/api/modes", HttpStatusCode.InternalServerError, "An unexpected error occurred; see the server log.");
        var page = Render<Chat>();

        page.WaitForAssertion(() => Assert.Contains("An unexpected error occurred; see the server log.", page.Find("[data-testid=modes] [data-testid=error]").TextContent));

        page.Find("#question").Input("How long?");
        page.Find("form.ask-form").Submit();
        Assert.Contains("Pick at least one mode that can answer.", page.Find("form.ask-form > [data-testid=error]").TextContent);
        Assert.DoesNotContain(Api.Requests, r => r.StartsWith("POST", StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_conversation_says_how_to_start_and_offers_every_collection()
    {
        var page = Render<Chat>();

        page.WaitForAssertion(() => Assert.Equal(["default", "support"], page.FindAll("#collection option").Select(o => o.TextContent)));
        Assert.Contains("No questions yet", page.Find("[data-testid=conversation]").TextContent);
    }

    [Fact]
    public void Modes_the_Api_says_cannot_answer_are_greyed_out_with_its_reason_and_the_rest_still_answer()
    {
        Api.Get("/api/modes", new List<AnswerMode>
            {
                new("base", "The model alone, no retrieval.", false, false, "Mode 'base' needs a chat model: qwen2.5:1.5b is not answering at http://127.0.0.1:11434."),
                new("rag", "Retrieved chunks, cited.", true, true, "No language model is connected: answers are extractive (sentences copied from the top chunks)."),
            })
           .Get("/api/status", Samples.Status(chat: false, embeddings: false));
        var page = Render<Chat>();

        page.WaitForAssertion(() => Assert.True(page.Find("#mode-base").HasAttribute("disabled")));
        Assert.False(page.Find("#mode-base").HasAttribute("checked"));
        Assert.Contains("unavailable: Mode 'base' needs a chat model: qwen2.5:1.5b is not answering", page.Find("#mode-base-help").TextContent);
        Assert.False(page.Find("#mode-rag").HasAttribute("disabled"));
        Assert.Contains("answers are extractive", page.Find("#mode-rag-help").TextContent); // a note, not a refusal
        Assert.True(page.Find("#retriever option[value=dense]").HasAttribute("disabled"));
        Assert.False(page.Find("#retriever option[value=bm25]").HasAttribute("disabled"));

        Api.Stream(Answers);
        Ask(page, "How long?");
        page.WaitForAssertion(() => Assert.Equal("done", page.Find("[data-testid=answer]").GetAttribute("data-state")));
        Assert.Equal(["rag"], page.FindAll("[data-testid=answer]").Select(a => a.GetAttribute("data-mode"))); // base was not asked
    }

    [Fact]
    public void Modes_follow_the_chosen_collection()
    {
        AnswerMode Finetuned(bool available) => new("finetuned", "The collection's fine-tuned model.", false, available,
            available ? null : "Collection 'default' has no fine-tuned model yet. Create one: POST /api/datasets, then POST /api/finetunes.");
        Api.Get("/api/modes?collection=default", new List<AnswerMode>(Samples.Modes()) { Finetuned(false) })
           .Get("/api/modes?collection=support", new List<AnswerMode>(Samples.Modes()) { Finetuned(true) });
        var page = Render<Chat>();
        page.WaitForAssertion(() => Assert.True(page.Find("#mode-finetuned").HasAttribute("disabled")));
        Assert.Contains("has no fine-tuned model yet", page.Find("#mode-finetuned-help").TextContent);

        page.Find("#collection").Change("support");

        page.WaitForAssertion(() => Assert.False(page.Find("#mode-finetuned").HasAttribute("disabled")));
        Assert.DoesNotContain("unavailable", page.Find("#mode-finetuned-help").TextContent);
        Assert.Equal(["GET /api/modes?collection=default", "GET /api/modes?collection=support"], Api.Requests.Where(r => r.StartsWith("GET /api/modes", StringComparison.Ordinal)));
    }

    [Fact]
    public void Asks_every_selected_mode_and_shows_the_answers_side_by_side_with_sources_timings_and_cost()
    {
        Api.Stream(Answers);
        var page = Render<Chat>();
        Ask(page, "How long is the refund window?");

        page.WaitForAssertion(() => Assert.All(page.FindAll("[data-testid=answer]"), a => Assert.Equal("done", a.GetAttribute("data-state"))));
        var columns = page.FindAll("[data-testid=answer]");
        Assert.Equal(["base", "rag"], columns.Select(c => c.GetAttribute("data-mode"))); // in the Api's order of modes
        var rag = page.Find("[data-mode=rag]");
        Assert.Equal("Refunds are accepted within 30 days [2].", TextOf(rag.QuerySelector("[data-testid=answer-text]")!));
        Assert.Equal("Source 2: refunds.md", rag.QuerySelector("button.marker")!.GetAttribute("aria-label"));
        var citation = rag.QuerySelector("[data-testid=citations] li")!;
        Assert.Equal("2", citation.GetAttribute("value"));
        Assert.Contains("Refunds are accepted within 30 days of purchase.", citation.TextContent);
        var meta = Meta(rag);
        Assert.Equal("0.4 ms", meta["Retrieval"]);
        Assert.Equal("120 ms", meta["First token"]);
        Assert.Equal("815 ms", meta["Total"]);
        Assert.Equal("212 in · 14 out", meta["Tokens"]);
        Assert.Equal("no", meta["Cached"]);
        Assert.Equal("no", meta["Extractive"]);
        Assert.Equal("— (set prices below)", meta["Cost"]);
        Assert.Contains("Citation [5] pointed at nothing retrieved", rag.QuerySelector(".warnings")!.TextContent);
        Assert.Equal("Usually 14 days.", TextOf(page.Find("[data-mode=base] [data-testid=answer-text]")));
        Assert.Contains("POST /api/ask/stream", Api.Requests);

        // A price turns the tokens into a cost: 212 × $1 + 14 × $2 per million.
        page.Find("#price-in").Change("1");
        page.Find("#price-out").Change("2");
        Assert.Equal("$0.00024", Meta(page.Find("[data-mode=rag]"))["Cost"]);
    }

    [Fact]
    public void A_citation_opens_its_chunk_in_the_document_with_the_quote_highlighted()
    {
        Api.Stream(Answers)
           .Get($"/api/documents/{Refunds.Id}/chunks", Samples.Chunks(Refunds, "# Refunds\nOur policy.", "Refunds are accepted\nwithin 30 days of purchase. Keep the receipt."));
        var page = Render<Chat>();
        Ask(page, "How long is the refund window?");
        page.WaitForElement("[data-testid=citation]");

        page.Find("[data-testid=citation]").Click();

        page.WaitForAssertion(() => Assert.Equal("Refunds are accepted\nwithin 30 days of purchase.", page.Find("[data-testid=document-viewer] mark").TextContent));
        var cited = page.Find("[data-testid=document-viewer] li.cited");
        Assert.Equal(RefundCitation.ChunkId, cited.GetAttribute("data-chunk-id"));
        Assert.Contains("Refunds > Window", cited.TextContent);
        Assert.Equal(2, page.FindAll("[data-testid=document-viewer] li.chunk").Count);

        page.Find("[data-testid=document-viewer] button").Click();
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=document-viewer]")));
    }

    [Fact]
    public void Html_in_questions_answers_and_quotes_is_shown_as_text()
    {
        var hostileCitation = RefundCitation with { DocumentName = Samples.Image + ".md", Quote = Samples.Script };
        Api.Stream(request => Tokens(Samples.Answer(request.Mode!, Samples.Hostile + " [1]", [hostileCitation], [hostileCitation.ChunkId], [Samples.Image])));
        var page = Render<Chat>();
        Ask(page, Samples.Hostile);

        page.WaitForAssertion(() => Assert.All(page.FindAll("[data-testid=answer]"), a => Assert.Equal("done", a.GetAttribute("data-state"))));
        Assert.Empty(page.FindAll("main script, [data-testid=conversation] script"));
        Assert.Empty(page.FindAll("img"));
        Assert.Contains(Samples.Hostile, page.Find(".turn-question").TextContent);
        Assert.Contains(Samples.Hostile, page.Find("[data-testid=answer-text]").TextContent);
        Assert.Contains(Samples.Script, page.Find("[data-testid=citations]").TextContent);
        Assert.Contains(Samples.Image, page.Find(".warnings").TextContent);
    }

    [Fact]
    public void A_failure_after_the_stream_started_shows_on_its_own_column()
    {
        Api.Stream(request => request.Mode == "rag"
            ? [new AskTokenEvent("Refunds "), new AskErrorEvent(502, "Model server error", "The model server stopped answering mid-way; ask again.")]
            : Tokens(Samples.Answer("base", "Usually 14 days.", [])));
        var page = Render<Chat>();
        Ask(page, "How long?");

        page.WaitForAssertion(() => Assert.Equal("failed", page.Find("[data-mode=rag]").GetAttribute("data-state")));
        Assert.Contains("The model server stopped answering mid-way; ask again.", page.Find("[data-mode=rag] [data-testid=error]").TextContent);
        Assert.Equal("Refunds", TextOf(page.Find("[data-mode=rag] [data-testid=answer-text]")));
        page.WaitForAssertion(() => Assert.Equal("done", page.Find("[data-mode=base]").GetAttribute("data-state")));
    }

    [Fact]
    public void A_refusal_before_streaming_shows_the_Apis_reason()
    {
        Api.Problem(HttpMethod.Post, "/api/ask/stream", HttpStatusCode.ServiceUnavailable, "Mode 'base' needs a chat model: start Ollama or set RagLab:Ollama:Endpoint.");
        var page = Render<Chat>();
        Ask(page, "How long?");

        page.WaitForAssertion(() => Assert.Equal("failed", page.Find("[data-mode=base]").GetAttribute("data-state")));
        Assert.Contains("Mode 'base' needs a chat model: start Ollama", page.Find("[data-mode=base] [data-testid=error]").TextContent);
    }

    [Fact]
    public async Task Stop_ends_a_streaming_answer_and_keeps_what_arrived()
    {
        var pipe = new Pipe();
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Api.On(HttpMethod.Post, "/api/ask/stream", _ =>
        {
            asked.TrySetResult();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(pipe.Reader.AsStream()) });
        });
        var page = Render<Chat>();
        page.WaitForElement("#mode-base");
        page.Find("#mode-base").Change(false);
        Ask(page, "Tell me everything.");
        await asked.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the first token goes out once the page is reading the stream
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("event: token\ndata: {\"text\":\"First words \"}\n\n"));
        // The first token shows at once, however soon after the question it came (renders are paced, never dropped).
        page.WaitForAssertion(() => Assert.Equal("First words", TextOf(page.Find("[data-mode=rag] [data-testid=answer-text]"))));
        Assert.Equal("streaming", page.Find("[data-mode=rag]").GetAttribute("data-state"));

        page.Find("[data-testid=stop]").Click();

        page.WaitForAssertion(() => Assert.Equal("cancelled", page.Find("[data-mode=rag]").GetAttribute("data-state")));
        Assert.Equal("First words", TextOf(page.Find("[data-mode=rag] [data-testid=answer-text]")));
        Assert.Empty(page.FindAll("[data-testid=stop]"));
    }

    [Fact]
    public void New_chat_forgets_the_turns()
    {
        Api.Stream(Answers);
        var page = Render<Chat>();
        Ask(page, "How long is the refund window?");
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=turn]")));

        page.FindAll("button").Single(b => b.TextContent == "New chat").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=turn]")));
        Assert.Contains("No questions yet", page.Find("[data-testid=conversation]").TextContent);
    }
}
