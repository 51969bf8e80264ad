using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using RagLab.Core.Generation;
using RagLab.Core.Generation.Agent;
using RagLab.Testing;

namespace RagLab.Api.Tests;

/// <summary>
/// The rungs of the ladder through HTTP against the in-test Ollama server: base, prompt (the collection's own prompt), rag,
/// longcontext (the whole collection in the prompt) and agent (the model searches through a tool), asked one by one and measured
/// side by side in one eval run.
/// </summary>
public sealed partial class ControlLadderEndToEndTests : IAsyncLifetime
{
    private const string Collection = "shop";
    private const string ToolName = DocumentSearchPlugin.PluginName + "_" + DocumentSearchPlugin.FunctionName;
    private const string FactSheet = "Shop facts: refunds within 30 days; express shipping costs 12 euros; the warranty lasts two years.";

    private FakeOllamaServer _ollama = null!;
    private ApiTestHost _api = null!;

    /// <summary>Each question, the word the fake model searches for, and the answer the documents give.</summary>
    private static readonly (string Question, string Search, string Answer)[] Facts =
    [
        ("How long is the refund window?", "refunds", "30 days"),
        ("How much does express shipping cost?", "express shipping", "12 euros"),
        ("How long is the warranty?", "warranty", "two years"),
    ];

    private const string Unanswerable = "Who is the CEO of the company?";

    private const string EvalSet = """
        {"id": "refund", "question": "How long is the refund window?", "answer": "30 days", "relevantDocuments": ["refunds.md"]}
        {"id": "express", "question": "How much does express shipping cost?", "answer": "12 euros", "relevantDocuments": ["shipping.md"]}
        {"id": "warranty", "question": "How long is the warranty?", "answer": "two years", "relevantDocuments": ["warranty.md"]}
        {"id": "ceo", "question": "Who is the CEO of the company?", "unanswerable": true}
        """;

    public async Task InitializeAsync()
    {
        _ollama = await FakeOllamaServer.StartAsync();
        _ollama.Respond = Respond;
        _ollama.CallTools = CallTools;
        _api = new ApiTestHost(_ollama.BaseAddress, new Dictionary<string, string?> { ["RagLab:Jobs:Concurrency"] = "1" });
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    /// <summary>
    /// A model that answers from what it is given: numbered sources in its prompt or in tool results (citing the one that holds the
    /// fact), the fact sheet of the collection's own prompt, or nothing (a wrong guess).
    /// </summary>
    private static string Respond(IReadOnlyList<FakeChatMessage> messages)
    {
        var system = messages.FirstOrDefault(m => m.Role == "system")?.Content ?? "";
        var user = messages.Last(m => m.Role == "user").Content;
        var fact = Facts.Cast<(string Question, string Search, string Answer)?>().FirstOrDefault(f => user.Contains(f!.Value.Question, StringComparison.Ordinal));
        var toolResults = string.Join("\n", messages.Where(m => m.Role == "tool").Select(m => m.Content));
        var sources = Source().Matches(toolResults.Length > 0 ? toolResults.Replace("\\n", "\n") : user).ToList();
        if (toolResults.Length > 0 || sources.Count > 0)
        {
            var supporting = fact is null ? null : sources.FirstOrDefault(s => s.Groups["text"].Value.Contains(fact.Value.Answer, StringComparison.Ordinal));
            return supporting is null ? AbstentionDetector.CanonicalPhrase : $"{fact!.Value.Answer} [{supporting.Groups["n"].Value}].";
        }
        if (system.Contains(FactSheet, StringComparison.Ordinal)) return fact is { } known ? known.Answer + "." : "I don't know.";
        return "Probably about 100.";
    }

    /// <summary>The model searches once per question, for the question's key words, then answers from what came back.</summary>
    private static IReadOnlyList<FakeToolCall>? CallTools(FakeChatRequest request)
    {
        if (request.Messages.Any(m => m.Role == "tool")) return null;
        var question = request.Messages.Last(m => m.Role == "user").Content;
        var search = Facts.FirstOrDefault(f => f.Question == question).Search ?? "company chief";
        return [new FakeToolCall(ToolName, new Dictionary<string, object?> { ["query"] = search })];
    }

    /// <summary>A numbered source: its header line, then its text up to the next header (or the end).</summary>
    [GeneratedRegex(@"\[(?<n>\d+)\] \([^)\n]*\)\n(?<text>.*?)(?=\[\d+\] \(|\z)", RegexOptions.Singleline)]
    private static partial Regex Source();

    private async Task UploadShopAsync()
    {
        var ids = new List<string>();
        foreach (var (name, text) in new[]
        {
            ("refunds.md", "# Refunds\n\nRefunds are accepted within 30 days of purchase."),
            ("shipping.md", "# Shipping\n\nExpress shipping costs 12 euros per order."),
            ("warranty.md", "# Warranty\n\nEvery product carries a warranty of two years."),
            ("company.md", "# Company\n\nThe company was founded in Berlin and sells garden tools."),
        })
            ids.Add(await _api.Client.UploadTextAsync(name, text, Collection));
        foreach (var id in ids) await _api.Client.WaitUntilReadyAsync(id);
    }

    private Task<JsonElement> AskAsync(string mode, string question) =>
        _api.Client.PostJsonAsync("/api/ask", new { question, mode, retriever = "bm25", collection = Collection });

    private static JsonElement Row(JsonElement run, string mode) =>
        Assert.Single(run.GetProperty("summary").GetProperty("modes").EnumerateArray(), m => m.GetProperty("mode").GetString() == mode);

    [Fact]
    public async Task Base_prompt_rag_longcontext_and_agent_answer_one_by_one_and_side_by_side_in_an_eval_run()
    {
        await UploadShopAsync();
        var saved = await _api.Client.PutAsJsonAsync($"/api/collections/{Collection}/prompt", new
        {
            system = "You are the {{$collection}} help desk. " + FactSheet,
            examples = new[] { new { question = "Do you ship abroad?", answer = "Yes, within the EU." } },
            user = "{{$question}}",
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        // Every rung of the ladder is available on the collection, with what it does (finetuned and hybrid wait for a fine-tune).
        var modes = (await _api.Client.GetJsonAsync($"/api/modes?collection={Collection}")).EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal(["base", "rag", "prompt", "longcontext", "agent", "finetuned", "hybrid"], modes.Keys);
        Assert.All(new[] { "base", "rag", "prompt", "longcontext", "agent" }.Select(name => modes[name]), m => Assert.True(m.GetProperty("available").GetBoolean(), m.ToString()));
        Assert.Contains("fits qwen2.5:1.5b's 32,768-token window", modes["longcontext"].GetProperty("reason").GetString());

        // One by one.
        Assert.Equal("Probably about 100.", (await AskAsync("base", Facts[0].Question)).GetProperty("answer").GetString());
        Assert.Equal("30 days.", (await AskAsync("prompt", Facts[0].Question)).GetProperty("answer").GetString());
        var longContext = await AskAsync("longcontext", Facts[0].Question);
        Assert.Equal("refunds.md", Assert.Single(longContext.GetProperty("citations").EnumerateArray()).GetProperty("documentName").GetString());
        Assert.True(longContext.GetProperty("details").GetProperty("firstWithPrefix").GetBoolean());
        Assert.False((await AskAsync("longcontext", Facts[1].Question)).GetProperty("details").GetProperty("firstWithPrefix").GetBoolean());
        var agent = await AskAsync("agent", Facts[2].Question);
        Assert.Equal("two years [1].", agent.GetProperty("answer").GetString());
        Assert.Equal(1, agent.GetProperty("details").GetProperty("searches").GetInt32());
        Assert.Equal(["warranty"], agent.GetProperty("details").GetProperty("searchQueries").EnumerateArray().Select(q => q.GetString()));
        var cited = Assert.Single(agent.GetProperty("citations").EnumerateArray()).GetProperty("chunkId").GetString();
        Assert.Contains(cited, agent.GetProperty("retrieved").EnumerateArray().Select(r => r.GetString())); // a chunk the search returned

        // Side by side.
        var set = await _api.Client.ImportEvalSetAsync("shop-ladder", EvalSet, Collection);
        var runId = await _api.Client.RunEvalAsync(new
        {
            setId = set.GetProperty("id").GetString(), modes = new[] { "base", "prompt", "rag", "longcontext", "agent" }, retrievers = new[] { "bm25" }, topK = 3,
        });
        var run = await _api.Client.GetJsonAsync($"/api/evalruns/{runId}");
        Assert.Equal("completed", run.GetProperty("status").GetString());
        var rows = run.GetProperty("summary").GetProperty("modes").EnumerateArray()
            .Select(m => (m.GetProperty("mode").GetString(), m.TryGetProperty("retriever", out var r) ? r.GetString() : null)).ToList();
        Assert.Equal([("base", null), ("prompt", null), ("rag", "bm25"), ("longcontext", null), ("agent", "bm25")], rows);
        Assert.Equal(("base", 0.0), ("base", Row(run, "base").GetProperty("accuracy").GetDouble()));
        // The collection's prompt carries the facts, so even the prompted model alone gets them right (and declines the CEO question).
        foreach (var mode in new[] { "prompt", "rag", "longcontext", "agent" })
            Assert.True(Row(run, mode).GetProperty("accuracy").GetDouble() == 1.0, $"{mode}: {Row(run, mode)}");
        Assert.Equal(("agent", "agent", 1.0), ("agent", Row(run, "agent").GetProperty("role").GetString(), Row(run, "agent").GetProperty("searchesPerAnswer").GetDouble()));
        // Long context: its questions run one at a time after the rest. The other modes' prompts in between evicted the prefix asked
        // about above, so the first of them reads it again and the following three reuse it.
        var prefix = Row(run, "longcontext").GetProperty("prefixCache");
        Assert.Equal(1, prefix.GetProperty("first").GetProperty("samples").GetInt32());
        Assert.Equal(3, prefix.GetProperty("following").GetProperty("samples").GetInt32());

        var results = (await _api.Client.GetJsonAsync($"/api/evalruns/{runId}/results")).EnumerateArray().ToDictionary(q => q.GetProperty("itemId").GetString()!);
        var agentRefund = Assert.Single(results["refund"].GetProperty("answers").EnumerateArray(), a => a.GetProperty("mode").GetString() == "agent");
        Assert.Equal(1, agentRefund.GetProperty("details").GetProperty("searches").GetInt32());
        Assert.Equal("correct", agentRefund.GetProperty("outcome").GetString());

        using var markdown = await _api.Client.PostAsync($"/api/evalruns/{runId}/report?format=md", JsonContent.Create(new { }));
        var text = await markdown.Content.ReadAsStringAsync();
        var quality = text.Split("## Answer quality")[1].Split("## Latency")[0];
        foreach (var (mode, retriever) in new[] { ("base", "none"), ("prompt", "none"), ("rag", "bm25"), ("longcontext", "none"), ("agent", "bm25") })
            Assert.Single(quality.Split('\n'), l => l.StartsWith($"| {mode} | {retriever} | 4 |", StringComparison.Ordinal));
        Assert.Contains("## Long context: time to first token, first question vs following", text);
        Assert.Contains("| agent | bm25 | 1.0 |", text);
    }

    [Fact]
    public async Task A_long_context_run_on_a_fresh_lab_reports_the_first_question_apart_from_the_following_ones()
    {
        await UploadShopAsync();
        var set = await _api.Client.ImportEvalSetAsync("shop-cag", EvalSet, Collection);

        var runId = await _api.Client.RunEvalAsync(new { setId = set.GetProperty("id").GetString(), modes = new[] { "longcontext", "rag" }, retrievers = new[] { "bm25" }, parallelism = 4 });

        var prefix = Row(await _api.Client.GetJsonAsync($"/api/evalruns/{runId}"), "longcontext").GetProperty("prefixCache");
        Assert.Equal(1, prefix.GetProperty("first").GetProperty("samples").GetInt32());
        Assert.Equal(3, prefix.GetProperty("following").GetProperty("samples").GetInt32());
        // The same window for every long-context question, and the model asked to stay loaded.
        var chats = _ollama.RequestsTo("/api/chat").Where(r => r.Json.GetProperty("options").TryGetProperty("num_ctx", out _) && r.Body.Contains("keep_alive")).ToList();
        Assert.Equal(4, chats.Count);
        Assert.Single(chats.Select(c => c.Json.GetProperty("options").GetProperty("num_ctx").GetInt32()).Distinct());
    }

    [Fact]
    public async Task The_agent_streams_its_answer_and_reports_its_searches_in_the_done_event()
    {
        await UploadShopAsync();

        using var response = await _api.Client.PostAsJsonAsync("/api/ask/stream", new { question = Facts[0].Question, mode = "agent", collection = Collection });
        var events = ServerSentEvents.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("30 days [1].", string.Concat(events.Where(e => e.Name == "token").Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("text").GetString())));
        var done = JsonDocument.Parse(Assert.Single(events, e => e.Name == "done").Data).RootElement;
        Assert.Equal(1, done.GetProperty("details").GetProperty("searches").GetInt32());
        Assert.Equal("refunds.md", done.GetProperty("citations")[0].GetProperty("documentName").GetString());
    }

    [Fact]
    public async Task The_collection_prompt_is_read_edited_checked_and_reset_through_the_api()
    {
        var initial = await _api.Client.GetJsonAsync($"/api/collections/{Collection}/prompt");
        Assert.True(initial.GetProperty("isDefault").GetBoolean());
        Assert.Equal("{{$question}}", initial.GetProperty("user").GetString());
        Assert.Equal(["{{$question}}", "{{$collection}}"], initial.GetProperty("variables").EnumerateArray().Select(v => v.GetString()));

        var bad = await _api.Client.PutAsJsonAsync($"/api/collections/{Collection}/prompt", new { system = "Be brief.", user = "Answer well." });
        await EvalTestClient.AssertProblemAsync(bad, HttpStatusCode.BadRequest, "does not use {{$question}}");
        var unknown = await _api.Client.PutAsJsonAsync($"/api/collections/{Collection}/prompt", new { system = "About {{$product}}.", user = "{{$question}}" });
        await EvalTestClient.AssertProblemAsync(unknown, HttpStatusCode.BadRequest, "$product");
        Assert.True((await _api.Client.GetJsonAsync($"/api/collections/{Collection}/prompt")).GetProperty("isDefault").GetBoolean());

        using var put = await _api.Client.PutAsJsonAsync($"/api/collections/{Collection}/prompt", new { system = FactSheet, examples = new[] { new { question = "Open on Sundays?", answer = "No." } } });
        var saved = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.False(saved.GetProperty("isDefault").GetBoolean());
        Assert.Equal("{{$question}}", saved.GetProperty("user").GetString()); // left out: the question as asked
        Assert.Equal("Open on Sundays?", saved.GetProperty("examples")[0].GetProperty("question").GetString());

        // The prompt mode answers with it; the chat it sent has the system prompt and the example as earlier turns.
        Assert.Equal("two years.", (await AskAsync("prompt", Facts[2].Question)).GetProperty("answer").GetString());
        var sent = _ollama.RequestsTo("/api/chat")[^1].Json.GetProperty("messages").EnumerateArray()
            .Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString())).ToList();
        Assert.Equal([("system", FactSheet), ("user", "Open on Sundays?"), ("assistant", "No."), ("user", Facts[2].Question)], sent);

        // A reset goes back to the built-in prompt, and the next answer is not served from the cache of the old one.
        var reset = await _api.Client.DeleteAsync($"/api/collections/{Collection}/prompt");
        Assert.True((await reset.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("isDefault").GetBoolean());
        var after = await AskAsync("prompt", Facts[2].Question);
        Assert.Equal("Probably about 100.", after.GetProperty("answer").GetString());
        Assert.False(after.GetProperty("cached").GetBoolean());

        var badName = await _api.Client.GetAsync("/api/collections/Not%20Valid/prompt");
        await EvalTestClient.AssertProblemAsync(badName, HttpStatusCode.BadRequest, "Collection name");
    }

    [Fact]
    public async Task Modes_say_when_they_cannot_answer_and_why_and_a_run_asking_for_them_is_refused()
    {
        await UploadShopAsync();
        _ollama.ModelsWithoutTools.Add("qwen2.5:1.5b");
        _ollama.ChatContextLength = 256;

        var modes = (await _api.Client.GetJsonAsync($"/api/modes?collection={Collection}")).EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);

        Assert.True(modes["rag"].GetProperty("available").GetBoolean());
        Assert.False(modes["agent"].GetProperty("available").GetBoolean());
        Assert.Contains("qwen2.5:1.5b cannot", modes["agent"].GetProperty("reason").GetString());
        Assert.False(modes["longcontext"].GetProperty("available").GetBoolean());
        Assert.Contains("the window holds 256 tokens", modes["longcontext"].GetProperty("reason").GetString());

        var set = await _api.Client.ImportEvalSetAsync("shop-refused", EvalSet, Collection);
        using var refused = await _api.Client.PostAsJsonAsync("/api/evalruns", new { setId = set.GetProperty("id").GetString(), modes = new[] { "rag", "agent" } });
        await EvalTestClient.AssertProblemAsync(refused, HttpStatusCode.BadRequest, "The 'agent' mode cannot answer on collection 'shop'");

        using var ask = await _api.Client.PostAsJsonAsync("/api/ask", new { question = "Refunds?", mode = "agent", collection = Collection });
        await EvalTestClient.AssertProblemAsync(ask, HttpStatusCode.ServiceUnavailable, "qwen2.5:1.5b cannot");
        using var tooBig = await _api.Client.PostAsJsonAsync("/api/ask", new { question = "Refunds?", mode = "longcontext", collection = Collection });
        await EvalTestClient.AssertProblemAsync(tooBig, HttpStatusCode.BadRequest, "the window holds 256 tokens");
    }

    [Fact]
    public async Task Without_a_model_server_only_rag_answers_and_the_others_say_what_to_connect()
    {
        await using var offline = new ApiTestHost();
        var client = offline.Client;

        var modes = (await client.GetJsonAsync("/api/modes")).EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);

        Assert.True(modes["rag"].GetProperty("available").GetBoolean());
        Assert.Contains("extractive", modes["rag"].GetProperty("reason").GetString());
        foreach (var mode in new[] { "base", "prompt", "longcontext", "agent" })
        {
            Assert.False(modes[mode].GetProperty("available").GetBoolean());
            Assert.Contains("ollama pull", modes[mode].GetProperty("reason").GetString());
        }
    }
}
