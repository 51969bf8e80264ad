using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using RagLab.Core.Generation;
using RagLab.Core.Generation.Agent;
using RagLab.Testing;

namespace RagLab.Api.Tests;

/// <summary>
/// The whole ladder through HTTP, as a user climbs it: documents and the collection's prompt, a fine-tuned model made by the real
/// lifecycle (dataset, in-test LoRA trainer, import into the in-test Ollama), then ONE eval run with all seven modes side by side,
/// a freshness probe for that run, and the decision report citing what was measured.
/// </summary>
public sealed partial class SevenModesEndToEndTests : IAsyncLifetime
{
    private const string Collection = "shop";
    private const string ToolName = DocumentSearchPlugin.PluginName + "_" + DocumentSearchPlugin.FunctionName;
    private const string FactSheet = "Shop facts: refunds within 30 days; express shipping costs 12 euros; the warranty lasts two years.";
    private const string FineTunedModel = "raglab-shop-v1";

    private static readonly string[] AllModes = ["base", "prompt", "rag", "longcontext", "agent", "finetuned", "hybrid"];

    /// <summary>
    /// A fact of the shop: its question, the words the agent searches for, how the documents state it (the answer is the
    /// pattern's group), the reference answer, and what the fine-tuned model learnt (wrong for the warranty).
    /// </summary>
    private sealed record Fact(string Id, string Question, string Search, Regex InText, string Answer, string Learnt);

    private static readonly Fact[] Facts =
    [
        new("refund", "How long is the refund window?", "refunds", new(@"within (\d+ days) of purchase"), "30 days", "30 days"),
        new("express", "How much does express shipping cost?", "express shipping", new(@"Express shipping costs (\d+ euros)"), "12 euros", "12 euros"),
        new("warranty", "How long is the warranty?", "warranty", new(@"warranty of (\w+ years)"), "two years", "one year"),
    ];

    private const string Unanswerable = "Who is the CEO of the company?";

    private static readonly (string Name, string Text)[] Documents =
    [
        ("refunds.md", "# Refunds\n\nRefunds are accepted within 30 days of purchase. The money goes back to the original card within five business days after we receive the returned item in its original packaging."),
        ("shipping.md", "# Shipping\n\nExpress shipping costs 12 euros per order. Standard shipping is free for orders above fifty euros and takes three to five working days across the European Union."),
        ("warranty.md", "# Warranty\n\nEvery product carries a warranty of two years. The warranty covers defects in materials and workmanship but not accidental damage, misuse or normal wear of parts."),
        ("company.md", "# Company\n\nThe company was founded in Berlin and sells garden tools. Its workshop repairs hedge trimmers, lawn mowers and chainsaws for customers in the whole region."),
    ];

    private const string EvalSet = """
        {"id": "refund", "question": "How long is the refund window?", "answer": "30 days", "relevantDocuments": ["refunds.md"]}
        {"id": "express", "question": "How much does express shipping cost?", "answer": "12 euros", "relevantDocuments": ["shipping.md"]}
        {"id": "warranty", "question": "How long is the warranty?", "answer": "two years", "relevantDocuments": ["warranty.md"]}
        {"id": "ceo", "question": "Who is the CEO of the company?", "unanswerable": true}
        """;

    private FakeOllamaServer _ollama = null!;
    private FakeTrainerServer _trainer = null!;
    private ApiTestHost _api = null!;

    public async Task InitializeAsync()
    {
        _ollama = await FakeOllamaServer.StartAsync();
        _ollama.RespondAs = Respond;
        _ollama.CallTools = CallTools;
        _trainer = await FakeTrainerServer.StartAsync();
        _api = new ApiTestHost(_ollama.BaseAddress, new Dictionary<string, string?>
        {
            ["RagLab:Jobs:Concurrency"] = "1",
            ["RagLab:FineTuning:Trainer:Endpoint"] = _trainer.BaseAddress.ToString(),
            ["RagLab:FineTuning:PollInterval"] = "00:00:00.020",
        });
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _trainer.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    /// <summary>
    /// The in-test models. Asked to write training data, they write it from the passage. Given numbered sources (retrieved, the
    /// whole collection, or search results), any model answers from the source that states the fact, citing it, and declines
    /// otherwise. With the collection's fact sheet as system prompt it answers from that. The fine-tuned version answers what it
    /// learnt; the base model guesses.
    /// </summary>
    private static string Respond(string model, IReadOnlyList<FakeChatMessage> messages)
    {
        var user = messages.LastOrDefault(m => m.Role == "user")?.Content ?? "";
        if (user.Contains("Passage (from \"", StringComparison.Ordinal)) return TrainingData(user);
        var fact = Facts.FirstOrDefault(f => user.Contains(f.Question, StringComparison.Ordinal));
        var toolResults = string.Join("\n", messages.Where(m => m.Role == "tool").Select(m => m.Content)).Replace("\\n", "\n");
        var sources = Source().Matches(toolResults.Length > 0 ? toolResults : user).ToList();
        if (sources.Count > 0 || toolResults.Length > 0)
        {
            foreach (var source in sources)
                if (fact?.InText.Match(source.Groups["text"].Value) is { Success: true } stated)
                    return $"{stated.Groups[1].Value} [{source.Groups["n"].Value}].";
            return AbstentionDetector.CanonicalPhrase;
        }
        var system = messages.FirstOrDefault(m => m.Role == "system")?.Content ?? "";
        if (system.Contains(FactSheet, StringComparison.Ordinal)) return fact is null ? "I don't know." : fact.Answer + ".";
        if (model == FineTunedModel) return fact is null ? "I don't know." : fact.Learnt + ".";
        return "Probably about 100.";
    }

    /// <summary>Two questions on the passage whose evidence is its first sentence, verbatim (the dataset builder checks it).</summary>
    private static string TrainingData(string prompt)
    {
        var passage = prompt[(prompt.IndexOf('\n', prompt.IndexOf("Passage (from \"", StringComparison.Ordinal)) + 1)..];
        var sentence = passage.Split('\n').Select(l => l.Trim()).First(l => l.Length > 0 && !l.StartsWith('#')).Split('.')[0] + ".";
        return JsonSerializer.Serialize(new
        {
            items = new[]
            {
                new { question = $"What does the shop say about {sentence.Split(' ')[0].ToLowerInvariant()}?", answer = sentence, evidence = sentence },
                new { question = $"Which rule starts with \"{string.Join(' ', sentence.Split(' ').Take(3))}\"?", answer = sentence, evidence = sentence },
            },
        });
    }

    /// <summary>The agent searches once per question, for the question's key words, then answers from what came back.</summary>
    private static IReadOnlyList<FakeToolCall>? CallTools(FakeChatRequest request)
    {
        if (request.Messages.Any(m => m.Role == "tool")) return null;
        var question = request.Messages.Last(m => m.Role == "user").Content;
        var search = Facts.FirstOrDefault(f => question.Contains(f.Question, StringComparison.Ordinal))?.Search ?? "company chief";
        return [new FakeToolCall(ToolName, new Dictionary<string, object?> { ["query"] = search })];
    }

    /// <summary>A numbered source: its header line, then its text up to the next header (or the end).</summary>
    [GeneratedRegex(@"\[(?<n>\d+)\] \([^)\n]*\)\n(?<text>.*?)(?=\[\d+\] \(|\z)", RegexOptions.Singleline)]
    private static partial Regex Source();

    private static async Task<JsonElement> PollAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> done, string what)
    {
        for (var attempt = 0; attempt < 2400; attempt++)
        {
            var value = await read();
            if (done(value)) return value;
            await Task.Delay(50);
        }
        throw new TimeoutException($"Gave up waiting for {what}.");
    }

    private static JsonElement Row(JsonElement summary, string mode) =>
        Assert.Single(summary.GetProperty("modes").EnumerateArray(), m => m.GetProperty("mode").GetString() == mode);

    /// <summary>Whether the property is there with a value (the Api leaves out nulls).</summary>
    private static bool Has(JsonElement element, string property) => element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null;

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [Fact]
    public async Task All_seven_modes_are_measured_side_by_side_in_one_run_and_the_decision_cites_them_and_the_freshness_probe()
    {
        // The collection, its prompt, and a fine-tuned version made the way a user makes one.
        foreach (var id in await Task.WhenAll(Documents.Select(d => _api.Client.UploadTextAsync(d.Name, d.Text, Collection))))
            await _api.Client.WaitUntilReadyAsync(id);
        using (var saved = await _api.Client.PutAsJsonAsync($"/api/collections/{Collection}/prompt", new { system = "You are the {{$collection}} help desk. " + FactSheet }))
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var dataset = await _api.Client.PostJsonAsync("/api/datasets", new { name = "shop-raft", collection = Collection, kind = "raft", maxChunks = 20, validationShare = 0.25 },
            HttpStatusCode.Accepted);
        var built = await PollAsync(() => _api.Client.GetJsonAsync($"/api/datasets/{dataset.GetProperty("id").GetString()}"),
            d => d.GetProperty("dataset").GetProperty("status").GetString() != "building", "the dataset");
        Assert.True(built.GetProperty("dataset").GetProperty("status").GetString() == "ready", built.ToString());
        var tuning = await _api.Client.PostJsonAsync("/api/finetunes", new { datasetId = dataset.GetProperty("id").GetString() }, HttpStatusCode.Accepted);
        var tuned = await PollAsync(() => _api.Client.GetJsonAsync($"/api/finetunes/{tuning.GetProperty("id").GetString()}"),
            j => j.GetProperty("status").GetString() is "succeeded" or "failed" or "cancelled", "the fine-tuning job");
        Assert.True(tuned.GetProperty("status").GetString() == "succeeded", tuned.ToString());
        Assert.Equal(FineTunedModel, tuned.GetProperty("modelName").GetString());
        var modes = (await _api.Client.GetJsonAsync($"/api/modes?collection={Collection}")).EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.All(AllModes, mode => Assert.True(modes[mode].GetProperty("available").GetBoolean(), modes[mode].ToString()));

        // One run, every mode.
        var set = await _api.Client.ImportEvalSetAsync("shop-ladder", EvalSet, Collection);
        var runId = await _api.Client.RunEvalAsync(new { setId = set.GetProperty("id").GetString(), modes = AllModes, retrievers = new[] { "bm25" }, topK = 3 });
        var run = await _api.Client.GetJsonAsync($"/api/evalruns/{runId}");
        Assert.Equal("completed", run.GetProperty("status").GetString());
        var summary = run.GetProperty("summary");

        // Side by side, in the order asked: each mode's role, its retriever when it retrieves, every question answered.
        Assert.Equal(
            [("base", "base", null), ("prompt", "prompt", null), ("rag", "rag", "bm25"), ("longcontext", "longContext", null),
             ("agent", "agent", "bm25"), ("finetuned", "fineTuned", null), ("hybrid", "hybrid", "bm25")],
            summary.GetProperty("modes").EnumerateArray().Select(m => (Text(m, "mode"), Text(m, "role"), Text(m, "retriever"))).ToList());
        Assert.All(summary.GetProperty("modes").EnumerateArray(), m => Assert.Equal((4, 4, 0), (m.GetProperty("questions").GetInt32(), m.GetProperty("answered").GetInt32(), m.GetProperty("errors").GetInt32())));
        // Correct or correctly declined: the base model guesses; the fine-tuned model learnt a wrong warranty; the rest read the facts.
        var accuracy = AllModes.ToDictionary(m => m, m => Row(summary, m).GetProperty("accuracy").GetDouble());
        Assert.Equal(new Dictionary<string, double> { ["base"] = 0, ["prompt"] = 1, ["rag"] = 1, ["longcontext"] = 1, ["agent"] = 1, ["finetuned"] = 0.75, ["hybrid"] = 1 }, accuracy);

        // Retrieval is measured only where something is retrieved before answering.
        foreach (var mode in new[] { "base", "prompt", "longcontext", "finetuned" })
            Assert.False(Has(Row(summary, mode).GetProperty("latency"), "retrieval"), mode);
        foreach (var mode in new[] { "rag", "hybrid" })
            Assert.True(Row(summary, mode).GetProperty("latency").GetProperty("retrieval").GetProperty("samples").GetInt32() == 4, Row(summary, mode).ToString());
        var bm25 = Assert.Single(summary.GetProperty("retrievers").EnumerateArray());
        Assert.Equal(("bm25", 3), (Text(bm25, "retriever"), bm25.GetProperty("questions").GetInt32()));
        // The agent searched once per answer; long context read the collection on its first question and reused it on the other three.
        Assert.Equal(1.0, Row(summary, "agent").GetProperty("searchesPerAnswer").GetDouble());
        Assert.All(AllModes.Where(m => m != "agent"), m => Assert.False(Has(Row(summary, m), "searchesPerAnswer"), m));
        var prefix = Row(summary, "longcontext").GetProperty("prefixCache");
        Assert.Equal((1, 3), (prefix.GetProperty("first").GetProperty("samples").GetInt32(), prefix.GetProperty("following").GetProperty("samples").GetInt32()));

        // Each answer came from the model its mode stands for.
        var results = await _api.Client.GetJsonAsync($"/api/evalruns/{runId}/results");
        var answers = results.EnumerateArray().SelectMany(q => q.GetProperty("answers").EnumerateArray()).ToList();
        Assert.Equal(28, answers.Count);
        Assert.All(answers.Where(a => Text(a, "mode") is "finetuned" or "hybrid"), a => Assert.Equal(FineTunedModel, Text(a, "model")));
        Assert.All(answers.Where(a => Text(a, "mode") is "base" or "prompt" or "rag"), a => Assert.Equal("qwen2.5:1.5b", Text(a, "model")));
        var tunedWarranty = Assert.Single(answers, a => Text(a, "mode") == "finetuned" && Text(a, "itemId") == "warranty");
        Assert.Equal("one year.", Text(tunedWarranty, "answer"));

        // The report shows them side by side, and the decision cites the fine-tuned columns.
        var questionnaire = new { knowledgeChanges = "Yearly", trainingBudgetDollars = 500, labelledExamples = 1000 };
        using (var markdown = await _api.Client.PostAsJsonAsync($"/api/evalruns/{runId}/report?format=md", questionnaire))
        {
            var text = await markdown.Content.ReadAsStringAsync();
            var quality = text.Split("## Answer quality")[1].Split("## Latency")[0].Split('\n');
            foreach (var (mode, retriever, correct) in new[] { ("base", "none", "0.0%"), ("prompt", "none", "100.0%"), ("rag", "bm25", "100.0%"), ("longcontext", "none", "100.0%"),
                         ("agent", "bm25", "100.0%"), ("finetuned", "none", "75.0%"), ("hybrid", "bm25", "100.0%") })
                Assert.Single(quality, l => l.StartsWith($"| {mode} | {retriever} | 4 | {correct} |", StringComparison.Ordinal));
            Assert.Contains("## Long context: time to first token, first question vs following", text);
            Assert.Contains("| agent | bm25 | 1.0 |", text);
            Assert.Contains("## Freshness: after a document changed\n\nNot measured for this run.", text.ReplaceLineEndings("\n"));
        }
        var before = await _api.Client.ReportAsync(runId, questionnaire);
        Assert.Equal("hybrid", before.GetProperty("recommendation").GetString());
        var reasons = before.GetProperty("reasons").EnumerateArray().Select(r => (Text: Text(r, "text")!, Evidence: Text(r, "evidence")!)).ToList();
        Assert.Contains(reasons, r => r.Evidence == "finetuned 75.0% correct (4 questions) vs base 0.0% correct (4 questions): +75.0 points (threshold 10)");
        Assert.Contains(reasons, r => r.Text == "The fine-tuned model answers worse than RAG." && r.Evidence == "finetuned 75.0% correct (4 questions) vs rag/bm25 100.0% correct (4 questions): -25.0 points");
        Assert.Contains(reasons, r => r.Text == "The fine-tuned model with retrieval matches or beats either alone." && r.Evidence.Contains("freshness not measured (POST /api/evalruns/freshness"));
        Assert.Contains(reasons, r => r.Evidence.StartsWith("agent/bm25 100.0% correct (4 questions), 1.0 searches per answer", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Evidence.StartsWith("longcontext time to first token: first question", StringComparison.Ordinal));

        // Freshness, for this run: the price changes; retrieval gives the new one at once, the fine-tuned model keeps what it learnt.
        var probe = await _api.Client.PostJsonAsync("/api/evalruns/freshness", new
        {
            runId, question = Facts[1].Question, expectedAnswer = "15 euros", documentName = "shipping.md",
            documentText = Documents[1].Text.Replace("12 euros", "15 euros"), modes = new[] { "rag", "finetuned", "hybrid" },
            timeout = "00:00:02", pollInterval = "00:00:00.200",
        }, HttpStatusCode.Accepted);
        var probeJob = await _api.Client.WaitForJobAsync(probe.GetProperty("jobId").GetString()!);
        Assert.True(probeJob.GetProperty("status").GetString() == "succeeded", probeJob.ToString());
        Assert.Equal($"2 of 3 modes gave the new answer (rag, hybrid); the figures are in run {runId}'s report.", Text(probeJob, "message"));

        var freshness = (await _api.Client.GetJsonAsync($"/api/evalruns/{runId}")).GetProperty("summary").GetProperty("freshness");
        Assert.Equal(probe.GetProperty("jobId").GetString(), Text(freshness, "jobId"));
        Assert.Equal([("rag", "rag", true), ("finetuned", "fineTuned", false), ("hybrid", "hybrid", true)],
            freshness.GetProperty("modes").EnumerateArray().Select(m => (Text(m, "mode"), Text(m, "role"), m.GetProperty("pickedUp").GetBoolean())).ToList());
        Assert.Equal("12 euros.", Text(freshness.GetProperty("modes")[1], "lastAnswer"));

        var after = await _api.Client.ReportAsync(runId, questionnaire);
        var cited = Assert.Single(after.GetProperty("reasons").EnumerateArray(), r => Text(r, "text")!.StartsWith("Measured freshness", StringComparison.Ordinal));
        Assert.Equal("Measured freshness: retrieval answers the updated fact right after re-ingest; the fine-tuned model cannot without retraining.", Text(cited, "text"));
        Assert.Contains("finetuned still answered \"12 euros.\" 2.0 s after the change", Text(cited, "evidence"));
        Assert.Matches(@"rag gave the new answer [\d.]+ s after the change", Text(cited, "evidence"));
        using var afterMarkdown = await _api.Client.PostAsJsonAsync($"/api/evalruns/{runId}/report?format=md", questionnaire);
        var freshnessSection = (await afterMarkdown.Content.ReadAsStringAsync()).Split("## Freshness: after a document changed")[1];
        Assert.Contains("| finetuned | finetuned | no | n/a | 12 euros. |", freshnessSection);
        Assert.Matches(@"\| rag \| rag \| yes \| [\d.]+ s \| 15 euros \[\d\]\. \|", freshnessSection);
    }
}
