using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Api.Infrastructure;
using RagLab.Core.Generation;
using RagLab.Core.Generation.Agent;
using RagLab.Testing;

namespace RagLab.Api.Tests;

/// <summary>
/// Document-level access control through HTTP: two users with different groups ask the same question, search, use the agent's tool,
/// read the whole collection in long-context mode and run an evaluation. Neither ever gets a chunk, a citation, a cached answer or a
/// metric built from a document they may not read. Callers are authenticated by a test handler that puts their groups on the
/// principal, as the lab's own authentication does.
/// </summary>
public sealed partial class DocumentAccessTests : IAsyncLifetime
{
    private const string Collection = "people";
    private const string ToolName = DocumentSearchPlugin.PluginName + "_" + DocumentSearchPlugin.FunctionName;
    private const string Question = "What is the annual bonus?";

    /// <summary>What each document says, in words the fake model repeats when it sees them.</summary>
    private const string HrFact = "15 percent of salary";
    private const string FinanceFact = "2 million euros";
    private const string PublicFact = "8 am";

    private FakeOllamaServer _ollama = null!;
    private ApiTestHost _api = null!;
    private HttpClient _admin = null!;
    private HttpClient _alice = null!; // hr
    private HttpClient _bob = null!; // finance

    public async Task InitializeAsync()
    {
        _ollama = await FakeOllamaServer.StartAsync();
        _ollama.Respond = Respond;
        _ollama.CallTools = CallTools;
        _api = new ApiTestHost(_ollama.BaseAddress, new Dictionary<string, string?> { ["RagLab:Jobs:Concurrency"] = "1" },
            testServices: services => services
                .AddAuthentication(options =>
                {
                    options.DefaultScheme = TestCaller.SchemeName;
                    options.DefaultAuthenticateScheme = TestCaller.SchemeName;
                    options.DefaultChallengeScheme = TestCaller.SchemeName;
                })
                .AddScheme<AuthenticationSchemeOptions, TestCaller>(TestCaller.SchemeName, _ => { }));
        _admin = Client("admin", "admin", []);
        _alice = Client("alice", "writer", ["hr"]);
        _bob = Client("bob", "writer", ["finance"]);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in new[] { _admin, _alice, _bob }) client.Dispose();
        await _api.DisposeAsync();
        await _ollama.DisposeAsync();
    }

    private HttpClient Client(string user, string role, string[] groups)
    {
        var client = _api.Factory.CreateClient();
        client.DefaultRequestHeaders.Add(TestCaller.UserHeader, user);
        client.DefaultRequestHeaders.Add(TestCaller.RoleHeader, role);
        client.DefaultRequestHeaders.Add(TestCaller.GroupsHeader, string.Join(',', groups));
        return client;
    }

    /// <summary>Authenticates every request from its test headers: the user, one role, and the groups as <c>groups</c> claims.</summary>
    private sealed class TestCaller(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string SchemeName = "Test";
        public const string UserHeader = "X-Test-User";
        public const string RoleHeader = "X-Test-Role";
        public const string GroupsHeader = "X-Test-Groups";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (Request.Headers[UserHeader].FirstOrDefault() is not { Length: > 0 } user) return Task.FromResult(AuthenticateResult.NoResult());
            var claims = new List<Claim> { new(ClaimTypes.Name, user), new(ClaimTypes.Role, Request.Headers[RoleHeader].ToString()) };
            claims.AddRange(Request.Headers[GroupsHeader].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(g => new Claim(RagLabClaimTypes.Group, g)));
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
        }
    }

    /// <summary>
    /// A model that repeats each fact it was shown (in its prompt or in tool results), citing the numbered source just before it, or
    /// declines when it was shown none.
    /// </summary>
    private static string Respond(IReadOnlyList<FakeChatMessage> messages)
    {
        var shown = string.Join("\n", messages.Where(m => m.Role is "user" or "tool").Select(m => m.Content.Replace("\\n", "\n")));
        var sentences = new List<string>();
        foreach (var fact in new[] { HrFact, FinanceFact, PublicFact })
        {
            var at = shown.IndexOf(fact, StringComparison.Ordinal);
            if (at < 0) continue;
            var source = SourceNumber().Matches(shown[..at]).LastOrDefault();
            sentences.Add(source is null ? $"It is {fact}." : $"It is {fact} [{source.Groups["n"].Value}].");
        }
        return sentences.Count == 0 ? AbstentionDetector.CanonicalPhrase : string.Join(' ', sentences);
    }

    [GeneratedRegex(@"\[(?<n>\d+)\]")]
    private static partial Regex SourceNumber();

    /// <summary>The agent's model searches once for the bonus, then answers from what came back.</summary>
    private static IReadOnlyList<FakeToolCall>? CallTools(FakeChatRequest request) =>
        request.Messages.Any(m => m.Role == "tool") ? null : [new FakeToolCall(ToolName, new Dictionary<string, object?> { ["query"] = "annual bonus office" })];

    /// <summary>
    /// The collection defaults to hr; salaries.md takes that default, budget.md is finance's, and handbook.md is uploaded as a form
    /// with an empty 'groups' field: everyone's. Returns the document ids by name.
    /// </summary>
    private async Task<Dictionary<string, string>> UploadAsync()
    {
        var access = await _admin.PutAsJsonAsync($"/api/collections/{Collection}/access", new { defaultGroups = new[] { "hr" } });
        Assert.Equal(HttpStatusCode.OK, access.StatusCode);
        Assert.Equal(["hr"], (await _admin.GetJsonAsync($"/api/collections/{Collection}/access")).GetProperty("defaultGroups").EnumerateArray().Select(g => g.GetString()));

        var ids = new Dictionary<string, string>
        {
            ["salaries.md"] = await UploadJsonAsync(_admin, "salaries.md", $"# Pay\n\nThe annual bonus is {HrFact}, paid in March.", groups: null),
            ["budget.md"] = await UploadJsonAsync(_admin, "budget.md", $"# Budget\n\nThe annual bonus pool is {FinanceFact} for the whole company.", groups: ["finance"]),
        };
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes($"# Handbook\n\nThe office opens at {PublicFact}; ask HR about the annual bonus.")), "files", "handbook.md" },
            { new StringContent(Collection), "collection" },
            { new StringContent(""), "groups" },
        };
        using var upload = await _admin.PostAsync("/api/documents", form);
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        ids["handbook.md"] = JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("documents")[0].GetProperty("id").GetString()!;

        foreach (var id in ids.Values) await _admin.WaitUntilReadyAsync(id);
        return ids;
    }

    private static async Task<string> UploadJsonAsync(HttpClient client, string name, string text, string[]? groups)
    {
        var body = await client.PostJsonAsync("/api/documents", new { name, text, collection = Collection, groups }, HttpStatusCode.Accepted);
        return body.GetProperty("documents")[0].GetProperty("id").GetString()!;
    }

    private Task<JsonElement> AskAsync(HttpClient client, string mode, string retriever = "hybrid") =>
        client.PostJsonAsync("/api/ask", new { question = Question, mode, retriever, collection = Collection });

    private static IEnumerable<string> CitedDocuments(JsonElement answer) =>
        answer.GetProperty("citations").EnumerateArray().Select(c => c.GetProperty("documentId").GetString()!);

    [Fact]
    public async Task Two_users_with_different_groups_never_get_a_chunk_citation_or_cached_answer_from_the_other_ones_documents()
    {
        var ids = await UploadAsync();
        var admin = (await _admin.GetJsonAsync($"/api/documents?collection={Collection}")).EnumerateArray()
            .ToDictionary(d => d.GetProperty("name").GetString()!, d => d.TryGetProperty("groups", out var g) && g.ValueKind == JsonValueKind.Array ? string.Join(',', g.EnumerateArray().Select(x => x.GetString())) : "");
        Assert.Equal(new Dictionary<string, string> { ["budget.md"] = "finance", ["handbook.md"] = "", ["salaries.md"] = "hr" }, admin);
        var readable = new Dictionary<HttpClient, string[]>
        {
            [_alice] = [ids["salaries.md"], ids["handbook.md"]],
            [_bob] = [ids["budget.md"], ids["handbook.md"]],
        };

        // Documents: each sees only theirs; another's is not there at all (404, not 403), not even to delete.
        foreach (var (client, theirs) in readable)
        {
            var listed = (await client.GetJsonAsync($"/api/documents?collection={Collection}")).EnumerateArray().Select(d => d.GetProperty("id").GetString()).Order();
            Assert.Equal(theirs.Order(), listed);
            var forbidden = ids.Values.Except(theirs).Single();
            foreach (var request in new[] { $"/api/documents/{forbidden}", $"/api/documents/{forbidden}/chunks" })
                Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(request)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/documents/{forbidden}")).StatusCode);
        }
        await _admin.WaitUntilReadyAsync(ids["budget.md"]); // the refused delete left it alone

        // Search, with each retriever: only readable chunks are ranked.
        foreach (var (client, theirs) in readable)
        foreach (var retriever in new[] { "bm25", "dense", "hybrid" })
        {
            var hits = (await client.PostJsonAsync("/api/search", new { query = "annual bonus", retriever, collection = Collection, topK = 10 }))
                .GetProperty("hits").EnumerateArray().ToList();
            Assert.NotEmpty(hits);
            Assert.All(hits, h => Assert.Contains(h.GetProperty("documentId").GetString(), theirs));
        }

        // Alice asks first; Bob's same question must not be answered from her cached answer; each asks twice (the second is cached).
        foreach (var mode in new[] { "rag", "agent" })
        {
            var aliceFirst = await AskAsync(_alice, mode);
            var bobFirst = await AskAsync(_bob, mode);
            var aliceAgain = await AskAsync(_alice, mode);
            var bobAgain = await AskAsync(_bob, mode);

            Assert.False(aliceFirst.GetProperty("cached").GetBoolean());
            Assert.False(bobFirst.GetProperty("cached").GetBoolean(), $"{mode}: Bob got Alice's cached answer");
            Assert.True(aliceAgain.GetProperty("cached").GetBoolean());
            Assert.True(bobAgain.GetProperty("cached").GetBoolean());
            foreach (var (answer, own, other, theirs) in new[] { (aliceFirst, HrFact, FinanceFact, readable[_alice]), (aliceAgain, HrFact, FinanceFact, readable[_alice]),
                         (bobFirst, FinanceFact, HrFact, readable[_bob]), (bobAgain, FinanceFact, HrFact, readable[_bob]) })
            {
                var text = answer.GetProperty("answer").GetString()!;
                Assert.Contains(own, text);
                Assert.DoesNotContain(other, text);
                Assert.NotEmpty(CitedDocuments(answer));
                Assert.All(CitedDocuments(answer), d => Assert.Contains(d, theirs));
                Assert.All(answer.GetProperty("citations").EnumerateArray(), c => Assert.DoesNotContain(other, c.GetProperty("quote").GetString()));
            }
            if (mode == "agent") Assert.Equal(1, bobFirst.GetProperty("details").GetProperty("searches").GetInt32());
        }

        // What the agent's tool handed the model, and what long-context mode sent as "the whole collection": the reader's documents only.
        foreach (var (client, own, other) in new[] { (_alice, HrFact, FinanceFact), (_bob, FinanceFact, HrFact) })
        {
            var before = _ollama.RequestsTo("/api/chat").Count;
            await client.PostJsonAsync("/api/ask", new { question = "Tell me about the annual bonus", mode = "agent", collection = Collection });
            var longContext = await client.PostJsonAsync("/api/ask", new { question = Question, mode = "longcontext", collection = Collection });
            var sent = _ollama.RequestsTo("/api/chat").Skip(before).Select(r => r.Body).ToList();
            Assert.Contains(sent, body => body.Contains("\"tool\"", StringComparison.Ordinal) && body.Contains(own, StringComparison.Ordinal));
            Assert.All(sent, body => Assert.DoesNotContain(other, body));
            Assert.Contains(own, longContext.GetProperty("answer").GetString());
            Assert.Contains(PublicFact, longContext.GetProperty("answer").GetString());
        }

        // Re-ingesting keeps a document's readers (not the collection's default, hr, which budget.md never had).
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.PostAsync($"/api/documents/{ids["budget.md"]}/reingest", null)).StatusCode);
        await _admin.PostJsonAsync($"/api/documents/{ids["budget.md"]}/reingest", new { }, HttpStatusCode.Accepted);
        var reingested = await _admin.WaitUntilReadyAsync(ids["budget.md"]);
        Assert.Equal(["finance"], reingested.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.GetAsync($"/api/documents/{ids["budget.md"]}")).StatusCode);
    }

    [Fact]
    public async Task Each_user_is_told_whether_long_context_fits_the_documents_they_may_read_and_nothing_about_the_others()
    {
        await UploadAsync();
        // Finance's long forecast makes the whole collection, and Bob's view, far larger than the window; Alice's view stays small.
        var forecast = string.Join("\n\n", Enumerable.Range(1, 40).Select(i => $"## Quarter {i}\n\nThe forecast for quarter {i} assumes flat travel costs and the same headcount."));
        var forecastId = await UploadJsonAsync(_admin, "forecast.md", "# Forecast\n\n" + forecast, groups: ["finance"]);
        await _admin.WaitUntilReadyAsync(forecastId);
        _ollama.ChatContextLength = 2048;

        async Task<JsonElement> LongContextAsync(HttpClient client) =>
            (await client.GetJsonAsync($"/api/modes?collection={Collection}")).EnumerateArray().Single(m => m.GetProperty("name").GetString() == "longcontext");
        var (alice, bob, admin) = (await LongContextAsync(_alice), await LongContextAsync(_bob), await LongContextAsync(_admin));
        string Reason(JsonElement mode) => mode.GetProperty("reason").GetString()!;

        Assert.True(alice.GetProperty("available").GetBoolean(), Reason(alice));
        Assert.Contains("The documents you may read in collection 'people'", Reason(alice));
        Assert.False(bob.GetProperty("available").GetBoolean(), Reason(bob));
        Assert.False(admin.GetProperty("available").GetBoolean(), Reason(admin));
        Assert.Contains("the window holds 2,048 tokens", Reason(bob));

        // The sizes named are of the caller's own documents: Bob's chunk count is his documents', not the collection's (the admin's).
        async Task<int> ChunksAsync(HttpClient client) =>
            (await client.GetJsonAsync($"/api/documents?collection={Collection}")).EnumerateArray().Sum(d => d.GetProperty("chunks").GetInt32());
        var (bobChunks, allChunks) = (await ChunksAsync(_bob), await ChunksAsync(_admin));
        Assert.True(bobChunks < allChunks);
        Assert.Contains($"({bobChunks} chunks,", Reason(bob));
        Assert.Contains($"({allChunks} chunks,", Reason(admin));
        Assert.DoesNotContain($"{allChunks} chunks", Reason(bob));
        var aliceTokens = int.Parse(AboutTokens().Match(Reason(alice)).Groups[1].Value, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(aliceTokens, 1, 2048 - PromptBudget.AnswerTokens);
        foreach (var reason in new[] { Reason(alice), Reason(bob) })
        foreach (var name in new[] { "salaries.md", "budget.md", "forecast.md", "handbook.md", "finance" })
            Assert.DoesNotContain(name, reason);

        // What each was told is what their question gets: Alice's long-context answer is built from her documents; Bob's is refused.
        Assert.Contains(HrFact, (await _alice.PostJsonAsync("/api/ask", new { question = Question, mode = "longcontext", collection = Collection })).GetProperty("answer").GetString());
        using var bobAsks = await _bob.PostAsJsonAsync("/api/ask", new { question = Question, mode = "longcontext", collection = Collection });
        Assert.Equal(HttpStatusCode.BadRequest, bobAsks.StatusCode);
    }

    [GeneratedRegex(@"\(about ([\d,]+) tokens\)")]
    private static partial Regex AboutTokens();

    private const string EvalSet = """
        {"id": "bonus", "question": "What is the annual bonus?", "answer": "15 percent of salary", "relevantDocuments": ["salaries.md"]}
        {"id": "pool", "question": "How large is the annual bonus pool?", "answer": "2 million euros", "relevantDocuments": ["budget.md"]}
        {"id": "office", "question": "When does the office open?", "answer": "8 am", "relevantDocuments": ["handbook.md", "budget.md"]}
        """;

    [Fact]
    public async Task An_eval_run_measures_the_view_of_whoever_started_it_and_only_they_and_admins_can_read_it()
    {
        var ids = await UploadAsync();
        var set = await _admin.ImportEvalSetAsync("bonus-questions", EvalSet, Collection);
        var request = new { setId = set.GetProperty("id").GetString(), modes = new[] { "rag" }, retrievers = new[] { "bm25", "hybrid" }, topK = 3 };

        var aliceRun = await _alice.RunEvalAsync(request);
        var bobRun = await _bob.RunEvalAsync(request);
        var adminRun = await _admin.RunEvalAsync(request);

        var alice = await _alice.GetJsonAsync($"/api/evalruns/{aliceRun}");
        var bob = await _bob.GetJsonAsync($"/api/evalruns/{bobRun}");
        var everything = await _admin.GetJsonAsync($"/api/evalruns/{adminRun}");
        Assert.Equal(("hr", "finance", "*"), (alice.GetProperty("readerScope").GetString(), bob.GetProperty("readerScope").GetString(), everything.GetProperty("readerScope").GetString()));

        // Each run asked only the questions its view can answer, and says what it left out.
        var (aliceSummary, bobSummary, adminSummary) = (alice.GetProperty("summary"), bob.GetProperty("summary"), everything.GetProperty("summary"));
        Assert.Equal((2, 2, 3), (aliceSummary.GetProperty("questions").GetInt32(), bobSummary.GetProperty("questions").GetInt32(), adminSummary.GetProperty("questions").GetInt32()));
        // Alice: "pool" is finance's alone (not asked), and budget.md is dropped from its labels and from "office"'s.
        Assert.Equal((1, 2), OutsideView(aliceSummary));
        // Bob: "bonus" is hr's alone (not asked, its one label dropped); "office" keeps both labels.
        Assert.Equal((1, 1), OutsideView(bobSummary));
        Assert.Equal((0, 0), OutsideView(adminSummary));
        Assert.Contains(aliceSummary.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("[hr]", StringComparison.Ordinal));

        // The per-question records: answers, citations and retrieved documents all from the view.
        foreach (var (client, runId, asked, theirs, other) in new[]
        {
            (_alice, aliceRun, new[] { "bonus", "office" }, new[] { ids["salaries.md"], ids["handbook.md"] }, FinanceFact),
            (_bob, bobRun, ["office", "pool"], [ids["budget.md"], ids["handbook.md"]], HrFact),
        })
        {
            var results = (await client.GetJsonAsync($"/api/evalruns/{runId}/results")).EnumerateArray().ToList();
            var answered = results.Where(r => r.GetProperty("answers").GetArrayLength() > 0).Select(r => r.GetProperty("itemId").GetString()).Order();
            Assert.Equal(asked, answered);
            foreach (var answer in results.SelectMany(r => r.GetProperty("answers").EnumerateArray()))
            {
                Assert.DoesNotContain(other, answer.GetProperty("answer").GetString());
                Assert.All(answer.GetProperty("retrievedDocumentIds").EnumerateArray(), d => Assert.Contains(d.GetString(), theirs));
                Assert.All(CitedDocuments(answer), d => Assert.Contains(d, theirs));
            }
            Assert.All(results.SelectMany(r => r.GetProperty("retrievals").EnumerateArray()).SelectMany(r => r.GetProperty("rankedDocumentIds").EnumerateArray()),
                d => Assert.Contains(d.GetString(), theirs));
        }

        // The metrics differ with the view: for everyone, "office" has two relevant documents and one result cannot find both; for
        // Alice the one she may read is all there is to find.
        Assert.Equal(1.0, await OfficeRecallAtOneAsync(_alice, aliceRun));
        Assert.Equal(0.5, await OfficeRecallAtOneAsync(_admin, adminRun));

        // A run is readable by views that cover it: not by the other user, by an admin.
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.GetAsync($"/api/evalruns/{aliceRun}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _bob.GetAsync($"/api/evalruns/{aliceRun}/results")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _alice.GetAsync($"/api/evalruns/{adminRun}")).StatusCode);
        Assert.Equal([bobRun], (await _bob.GetJsonAsync("/api/evalruns")).EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal("hr", (await _admin.GetJsonAsync($"/api/evalruns/{aliceRun}")).GetProperty("readerScope").GetString());
    }

    private static (int Questions, int Labels) OutsideView(JsonElement summary) =>
        (summary.GetProperty("questionsOutsideView").GetInt32(), summary.GetProperty("relevantDocumentsOutsideView").GetInt32());

    private static async Task<double> OfficeRecallAtOneAsync(HttpClient client, string runId) =>
        (await client.GetJsonAsync($"/api/evalruns/{runId}/results")).EnumerateArray().Single(r => r.GetProperty("itemId").GetString() == "office")
            .GetProperty("retrievals").EnumerateArray().Single(r => r.GetProperty("retriever").GetString() == "bm25")
            .GetProperty("scores").EnumerateArray().Single(s => s.GetProperty("k").GetInt32() == 1).GetProperty("recall").GetDouble();
}
