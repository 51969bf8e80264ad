using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagLab.Core.Generation;
using RagLab.Testing;
using RagLab.Core.Kernel;

namespace RagLab.Api.Tests;

/// <summary>
/// The issue's scenario through HTTP: the same questions through every mode, measured, and a recommendation that follows
/// both the evidence and the questionnaire. The model server is a fake that answers from the context it is given.
/// </summary>
public sealed partial class EvalLabEndToEndTests : IAsyncLifetime
{
    private const string Collection = "shop";

    private FakeOllamaServer _ollama = null!;
    private ApiTestHost _api = null!;

    /// <summary>When true, the base model knows every fact (as a stronger model would), so retrieval no longer adds anything.</summary>
    private volatile bool _baseKnowsTheFacts;

    /// <summary>The facts of the shop documents: the question's key word, the answer, and what a model guesses without it.</summary>
    private static readonly (string Keyword, string Answer, string Guess)[] Facts =
    [
        ("refund", "30 days", "about 100"),
        ("express", "12 euros", "about 100"),
        ("warranty", "two years", "about 100"),
        ("packages", "DHL", "UPS"),
    ];

    public async Task InitializeAsync()
    {
        _ollama = await FakeOllamaServer.StartAsync();
        _ollama.Respond = Respond;
        // One job at a time: the freshness probe (a job) must finish without waiting on another job in the same pool.
        _api = new ApiTestHost(_ollama.BaseAddress, new Dictionary<string, string?> { ["RagLab:Jobs:Concurrency"] = "1" },
            // A stand-in for a fine-tuned model: a mode without retrieval whose model has learnt the shop's facts.
            testServices: services => services.AddSingleton<IAnswerMode, StyleTunedMode>());
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    private sealed class StyleTunedMode : IAnswerMode
    {
        public const string Marker = "You are the shop's fine-tuned support model.";
        public string Name => "ft-style";
        public string Description => "A model fine-tuned on the shop's answers (test stand-in).";
        public bool UsesRetrieval => false;
        public bool SupportsExtractiveFallback => false;
        public string? ModelOverride => null;

        public IReadOnlyList<ChatMessage> BuildPrompt(string question, IReadOnlyList<RetrievalHit> hits) =>
            [new ChatMessage(ChatRole.System, Marker), new ChatMessage(ChatRole.User, question)];
    }

    /// <summary>
    /// rag: answers from the numbered sources when one holds the fact (citing it), guesses wrongly when the fact is missing,
    /// and declines when the question is about nothing it knows. ft-style: knows the facts. base: guesses (or knows, when told to).
    /// </summary>
    private string Respond(IReadOnlyList<FakeChatMessage> messages)
    {
        var system = messages.FirstOrDefault(m => m.Role == "system")?.Content ?? "";
        var user = messages.Last(m => m.Role == "user").Content;
        if (GenerationSource().Match(user) is { Success: true } passage)
        {
            // Question generation: one question per passage, answered by the passage's first word.
            var topic = passage.Groups["name"].Value.Split('.')[0];
            return $$"""{"question": "What does the {{topic}} guide recommend?", "answer": "{{passage.Groups["first"].Value}}"}""";
        }
        var contextEnd = user.IndexOf("</context>", StringComparison.Ordinal);
        if (user.StartsWith("<context>", StringComparison.Ordinal) && contextEnd >= 0)
        {
            var question = user[(user.IndexOf("Question: ", StringComparison.Ordinal) + "Question: ".Length)..].Split('\n')[0];
            return AnswerFromSources(question, user[..contextEnd]);
        }

        var fact = FactFor(user);
        if (system == StyleTunedMode.Marker || _baseKnowsTheFacts) return fact is { } known ? known.Answer + "." : "I don't know.";
        if (user.Contains("Pro plan", StringComparison.Ordinal)) return "The Pro plan costs 39 dollars per month.";
        if (user.Contains("CEO", StringComparison.Ordinal)) return "Jane Doe is the CEO.";
        return fact is { } guessed ? $"Probably {guessed.Guess}." : "Probably nothing.";
    }

    private static string AnswerFromSources(string question, string context)
    {
        var sources = SourcePattern().Matches(context).Select(m => (Number: m.Groups["n"].Value, Text: m.Groups["text"].Value)).ToArray();
        if (question.Contains("Pro plan", StringComparison.Ordinal))
        {
            foreach (var (number, text) in sources)
                if (Price().Match(text) is { Success: true } price) return $"The Pro plan costs {price.Value} per month [{number}].";
        }
        if (FactFor(question) is { } fact)
        {
            foreach (var (number, text) in sources)
                if (text.Contains(fact.Answer, StringComparison.OrdinalIgnoreCase)) return $"{fact.Answer} [{number}].";
            return $"Probably {fact.Guess}.";
        }
        return AbstentionDetector.CanonicalPhrase;
    }

    private static (string Keyword, string Answer, string Guess)? FactFor(string question) =>
        Facts.Cast<(string Keyword, string Answer, string Guess)?>().FirstOrDefault(f => question.Contains(f!.Value.Keyword, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"^\[(?<n>\d+)\](?<text>.*?)(?=^\[\d+\]|\z)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex SourcePattern();

    [GeneratedRegex("Passage \\(from \"(?<name>[^\"]+)\"\\):\\s*(?:#[^\\n]*\\s*)*(?<first>\\w+)")]
    private static partial Regex GenerationSource();

    [GeneratedRegex(@"\d+ dollars")]
    private static partial Regex Price();

    private const string EvalSet = """
        {"id": "refund", "question": "How long is the refund window?", "answer": "30 days", "relevantDocuments": ["refunds.md"]}
        {"id": "express", "question": "How much does express shipping cost?", "answer": "12 euros", "relevantDocuments": ["shipping.md"]}
        {"id": "warranty", "question": "How long is the warranty?", "answer": "two years", "relevantDocuments": ["warranty.md"]}
        {"id": "packages", "question": "Which firm brings the packages for the company?", "answer": "DHL", "relevantDocuments": ["couriers.md"]}
        {"id": "ceo", "question": "Who is the CEO of the company?", "unanswerable": true}
        """;

    private async Task<Dictionary<string, string>> UploadShopDocumentsAsync()
    {
        var ids = new Dictionary<string, string>();
        foreach (var (name, text) in new[]
        {
            ("refunds.md", "# Refunds\n\nRefunds are accepted within 30 days of purchase."),
            ("shipping.md", "# Shipping\n\nExpress shipping costs 12 euros per order."),
            ("warranty.md", "# Warranty\n\nEvery product carries a warranty of two years."),
            ("company.md", "# Company\n\nThe company was founded in Berlin and sells garden tools."),
            ("couriers.md", "# Couriers\n\nParcels are handed to DHL for delivery."),
            ("pricing.md", "# Pricing\n\nThe Pro plan costs 39 dollars per month."),
        })
            ids[name] = await _api.Client.UploadTextAsync(name, text, Collection);
        foreach (var id in ids.Values) await _api.Client.WaitUntilReadyAsync(id);
        return ids;
    }

    private static JsonElement AnswerOf(JsonElement question, string mode) =>
        Assert.Single(question.GetProperty("answers").EnumerateArray(), a => a.GetProperty("mode").GetString() == mode);

    private static JsonElement ModeSummary(JsonElement run, string mode, string? retriever) =>
        Assert.Single(run.GetProperty("summary").GetProperty("modes").EnumerateArray(),
            m => m.GetProperty("mode").GetString() == mode && (m.TryGetProperty("retriever", out var r) ? r.GetString() : null) == retriever);

    [Fact]
    public async Task Same_questions_through_every_mode_measured_split_probed_and_recommended()
    {
        var documents = await UploadShopDocumentsAsync();
        var set = await _api.Client.ImportEvalSetAsync("shop-faq", EvalSet, Collection);
        Assert.Equal((1, 5, "jsonl"), (set.GetProperty("version").GetInt32(), set.GetProperty("itemCount").GetInt32(), set.GetProperty("source").GetString()));
        var setId = set.GetProperty("id").GetString()!;

        var runId = await _api.Client.RunEvalAsync(new { setId, modes = new[] { "rag", "base", "ft-style" }, retrievers = new[] { "bm25" }, topK = 3 });

        // The run: completed, with progress at 1 and a summary per mode (and per retriever for the mode that retrieves).
        var run = await _api.Client.GetJsonAsync($"/api/evalruns/{runId}");
        Assert.Equal("completed", run.GetProperty("status").GetString());
        Assert.Equal(1.0, run.GetProperty("progress").GetDouble());
        var rag = ModeSummary(run, "rag", "bm25");
        Assert.Equal(0.8, rag.GetProperty("accuracy").GetDouble(), 10);
        var ragFailures = rag.GetProperty("failures");
        Assert.Equal((3, 1, 1, 0), (ragFailures.GetProperty("correct").GetInt32(), ragFailures.GetProperty("abstainedCorrectly").GetInt32(),
            ragFailures.GetProperty("retrievalMiss").GetInt32(), ragFailures.GetProperty("generationMiss").GetInt32()));
        Assert.Equal(5, ModeSummary(run, "base", null).GetProperty("failures").GetProperty("generationMiss").GetInt32());
        Assert.Equal(0.0, ModeSummary(run, "base", null).GetProperty("accuracy").GetDouble());
        var tuned = ModeSummary(run, "ft-style", null);
        Assert.Equal(("fineTuned", 1.0), (tuned.GetProperty("role").GetString(), tuned.GetProperty("accuracy").GetDouble()));
        Assert.DoesNotContain(run.GetProperty("summary").GetProperty("modes").EnumerateArray(),
            m => m.GetProperty("mode").GetString() != "rag" && m.TryGetProperty("retriever", out _));
        var bm25 = Assert.Single(run.GetProperty("summary").GetProperty("retrievers").EnumerateArray());
        Assert.Equal(4, bm25.GetProperty("questions").GetInt32()); // the unanswerable question has no relevant documents
        Assert.Equal(0.75, bm25.GetProperty("scores").EnumerateArray().Single(s => s.GetProperty("k").GetInt32() == 3).GetProperty("hitRate").GetDouble(), 10);

        // Per-question records: the question, each mode's answer, citations, retrieved documents, metrics and timings.
        var results = (await _api.Client.GetJsonAsync($"/api/evalruns/{runId}/results")).EnumerateArray().ToDictionary(q => q.GetProperty("itemId").GetString()!);
        Assert.Equal(["refund", "express", "warranty", "packages", "ceo"], results.Keys);
        var refund = results["refund"];
        Assert.Equal("How long is the refund window?", refund.GetProperty("question").GetString());
        Assert.Equal(["rag", "base", "ft-style"], refund.GetProperty("answers").EnumerateArray().Select(a => a.GetProperty("mode").GetString()));
        var ragRefund = AnswerOf(refund, "rag");
        Assert.StartsWith("30 days", ragRefund.GetProperty("answer").GetString());
        Assert.Equal(("bm25", "qwen2.5:1.5b"), (ragRefund.GetProperty("retriever").GetString(), ragRefund.GetProperty("model").GetString()));
        Assert.Equal("refunds.md", Assert.Single(ragRefund.GetProperty("citations").EnumerateArray()).GetProperty("documentName").GetString());
        Assert.Equal(documents["refunds.md"], ragRefund.GetProperty("retrievedDocumentIds")[0].GetString());
        Assert.NotEmpty(ragRefund.GetProperty("retrievedChunkIds").EnumerateArray());
        Assert.Equal(1.0, ragRefund.GetProperty("metrics").GetProperty("f1").GetDouble());
        Assert.Equal(1.0, ragRefund.GetProperty("metrics").GetProperty("citationPrecision").GetDouble());
        Assert.True(ragRefund.GetProperty("timings").GetProperty("totalMs").GetDouble() > 0);
        Assert.True(ragRefund.GetProperty("tokens").GetProperty("outputTokens").GetInt64() > 0);
        Assert.Equal("correct", ragRefund.GetProperty("outcome").GetString());
        var baseRefund = AnswerOf(refund, "base");
        Assert.Equal(("Probably about 100.", "generation-miss"), (baseRefund.GetProperty("answer").GetString(), baseRefund.GetProperty("outcome").GetString()));
        Assert.Empty(baseRefund.GetProperty("retrievedDocumentIds").EnumerateArray());
        var refundRetrieval = Assert.Single(refund.GetProperty("retrievals").EnumerateArray());
        Assert.Equal(documents["refunds.md"], refundRetrieval.GetProperty("rankedDocumentIds")[0].GetString());

        // The split: the courier document was never retrieved, so rag's wrong answer is a retrieval miss, not a generation miss.
        var ragPackages = AnswerOf(results["packages"], "rag");
        Assert.Equal(("Probably UPS.", "retrieval-miss"), (ragPackages.GetProperty("answer").GetString(), ragPackages.GetProperty("outcome").GetString()));
        var retrieved = ragPackages.GetProperty("retrievedDocumentIds").EnumerateArray().Select(d => d.GetString()).ToArray();
        Assert.Contains(documents["company.md"], retrieved);
        Assert.DoesNotContain(documents["couriers.md"], retrieved);
        Assert.Equal("abstained-correctly", AnswerOf(results["ceo"], "rag").GetProperty("outcome").GetString());
        Assert.True(AnswerOf(results["ceo"], "rag").GetProperty("metrics").GetProperty("abstained").GetBoolean());
        Assert.Equal("generation-miss", AnswerOf(results["ceo"], "base").GetProperty("outcome").GetString());

        var misses = await _api.Client.GetJsonAsync($"/api/evalruns/{runId}/results?outcome=retrieval-miss");
        var miss = Assert.Single(misses.EnumerateArray());
        Assert.Equal("packages", miss.GetProperty("itemId").GetString());
        Assert.Equal("rag", Assert.Single(miss.GetProperty("answers").EnumerateArray()).GetProperty("mode").GetString());

        // The questionnaire changes the recommendation for the same numbers.
        var volatileCited = await _api.Client.ReportAsync(runId, new { knowledgeChanges = "daily", citationsRequired = true });
        Assert.Equal("rag", volatileCited.GetProperty("recommendation").GetString());
        Assert.Contains(volatileCited.GetProperty("ruledOut").EnumerateArray(), r => r.GetString() == "fineTuning");
        Assert.Contains(volatileCited.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("evidence").GetString()!.Contains("+80.0 points"));
        Assert.Contains(volatileCited.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("evidence").GetString()!.Contains("1 retrieval misses, 0 generation misses"));
        // Stable knowledge, a style task without citations, a training budget and labelled data: the tuned model's lead counts.
        var stableStyle = await _api.Client.ReportAsync(runId, new
        {
            knowledgeChanges = "yearly", citationsRequired = false, trainingBudgetDollars = 500, labelledExamples = 1000, teamMlExperience = "experienced",
        });
        Assert.Equal("fineTuning", stableStyle.GetProperty("recommendation").GetString());
        Assert.Empty(stableStyle.GetProperty("ruledOut").EnumerateArray());

        using var markdown = await _api.Client.PostAsync($"/api/evalruns/{runId}/report?format=md", System.Net.Http.Json.JsonContent.Create(new { knowledgeChanges = "daily", citationsRequired = true }));
        Assert.Equal(HttpStatusCode.OK, markdown.StatusCode);
        Assert.Equal("text/markdown", markdown.Content.Headers.ContentType?.MediaType);
        var text = await markdown.Content.ReadAsStringAsync();
        Assert.Contains("**Recommendation: RAG**", text);
        Assert.Contains("| rag | bm25 | 5 | 80.0% |", text);

        // Freshness: the price changes; rag picks the new document up, base keeps its stale answer.
        var before = await _api.Client.PostJsonAsync("/api/ask", new { question = "How much does the Pro plan cost?", mode = "rag", retriever = "bm25", collection = Collection });
        Assert.Contains("39 dollars", before.GetProperty("answer").GetString());
        var probe = await _api.Client.PostJsonAsync("/api/evalruns/freshness", new
        {
            collection = Collection, question = "How much does the Pro plan cost?", expectedAnswer = "49 dollars",
            documentName = "pricing.md", documentText = "# Pricing\n\nThe Pro plan costs 49 dollars per month.",
            modes = new[] { "rag", "base" }, timeout = "00:00:04", pollInterval = "00:00:00.250",
        }, HttpStatusCode.Accepted);
        var probeJobId = probe.GetProperty("jobId").GetString()!;
        Assert.Equal("succeeded", (await _api.Client.WaitForJobAsync(probeJobId)).GetProperty("status").GetString());
        var freshness = await _api.Client.GetJsonAsync($"/api/evalruns/freshness/{probeJobId}");
        var report = freshness.GetProperty("report");
        Assert.Equal(documents["pricing.md"], report.GetProperty("documentId").GetString());
        var modes = report.GetProperty("modes").EnumerateArray().ToDictionary(m => m.GetProperty("mode").GetString()!);
        Assert.True(modes["rag"].GetProperty("pickedUp").GetBoolean());
        Assert.Contains("49 dollars", modes["rag"].GetProperty("lastAnswer").GetString());
        Assert.False(modes["base"].GetProperty("pickedUp").GetBoolean());
        Assert.Contains("39 dollars", modes["base"].GetProperty("lastAnswer").GetString());

        // The numbers change the recommendation too: with a base model that knows the facts, retrieval no longer helps.
        var monthly = new { knowledgeChanges = "monthly", citationsRequired = false };
        Assert.Equal("rag", (await _api.Client.ReportAsync(runId, monthly)).GetProperty("recommendation").GetString());
        _baseKnowsTheFacts = true;
        var strongBaseRunId = await _api.Client.RunEvalAsync(new { setId, modes = new[] { "rag", "base" }, retrievers = new[] { "bm25" }, topK = 3 });
        var strongBase = await _api.Client.ReportAsync(strongBaseRunId, monthly);
        Assert.Equal("promptingOnly", strongBase.GetProperty("recommendation").GetString());
        Assert.Contains(strongBase.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("evidence").GetString()!.Contains("-20.0 points"));

        var runs = await _api.Client.GetJsonAsync($"/api/evalruns?setId={setId}");
        Assert.Equal([strongBaseRunId, runId], runs.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Generating_a_set_runs_as_a_job_and_labels_each_question_with_its_source_document()
    {
        var words = string.Join(' ', Enumerable.Repeat("Keep the blades clean and dry after every use in the garden.", 3));
        var pruning = await _api.Client.UploadTextAsync("pruning.md", "# Pruning\n\nSharpen " + words, "handbook");
        var watering = await _api.Client.UploadTextAsync("watering.md", "# Watering\n\nMorning " + words, "handbook");
        await _api.Client.WaitUntilReadyAsync(pruning);
        await _api.Client.WaitUntilReadyAsync(watering);

        var accepted = await _api.Client.PostJsonAsync("/api/evalsets/generate", new { name = "handbook-gen", collection = "handbook", count = 2, seed = 3 }, HttpStatusCode.Accepted);
        var jobId = accepted.GetProperty("jobId").GetString()!;
        var job = await _api.Client.WaitForJobAsync(jobId);
        Assert.Equal(("evalset-generate", "succeeded", 1.0), (job.GetProperty("kind").GetString(), job.GetProperty("status").GetString(), job.GetProperty("progress").GetDouble()));

        var generation = await _api.Client.GetJsonAsync($"/api/evalsets/generate/{jobId}");
        var created = generation.GetProperty("evalSet");
        Assert.Equal(("handbook-gen", "generated", 2), (created.GetProperty("name").GetString(), created.GetProperty("source").GetString(), created.GetProperty("itemCount").GetInt32()));
        Assert.True(created.GetProperty("heldOutFromTraining").GetBoolean());
        var items = (await _api.Client.GetJsonAsync($"/api/evalsets/{created.GetProperty("id").GetString()}")).GetProperty("items").EnumerateArray().ToArray();
        var bySource = items.ToDictionary(i => i.GetProperty("relevantDocuments")[0].GetString()!);
        Assert.Equal("What does the pruning guide recommend?", bySource[pruning].GetProperty("question").GetString());
        Assert.Equal("Sharpen", bySource[pruning].GetProperty("answer").GetString());
        Assert.Equal("Morning", bySource[watering].GetProperty("answer").GetString());
    }
}
