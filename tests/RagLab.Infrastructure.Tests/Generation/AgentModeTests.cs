using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagLab.Core.Caching;
using RagLab.Core.Generation;
using RagLab.Core.Generation.Agent;
using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Infrastructure.Ollama;
using RagLab.Infrastructure.Storage;
using RagLab.Infrastructure.Tests.Ollama;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Generation;

/// <summary>
/// The <c>agent</c> mode through OllamaSharp against the in-test Ollama server: the server answers with a <c>tool_calls</c> message
/// as api.md describes, Semantic Kernel runs <c>search_documents</c>, sends the passages back, and the model's answer cites them.
/// </summary>
public sealed partial class AgentModeTests : FakeOllamaTest, IDisposable
{
    private const string Model = "qwen2.5:1.5b";
    private const string ToolName = DocumentSearchPlugin.PluginName + "_" + DocumentSearchPlugin.FunctionName;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("raglab-agent-");
    private OllamaModelProvider? _models;

    private static readonly Chunk Refunds = Chunk("refunds.md", "Refunds are accepted within 30 days of purchase.");
    private static readonly Chunk Warranty = Chunk("warranty.md", "Every product carries a warranty of two years.");
    private static readonly Chunk Couriers = Chunk("couriers.md", "Parcels are handed to DHL for delivery.");

    public void Dispose()
    {
        _models?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private static Chunk Chunk(string document, string text) => new($"{document}#0", $"doc-{document}", document, "shop", 0, "", text, 0, text.Length);

    private QuestionAnswerer Answerer()
    {
        _models = new OllamaModelProvider(new OllamaOptions(), ModelHttpClientFactory.Create(),
            new ModelEndpoint(Server.BaseAddress, Model), new ModelEndpoint(Server.BaseAddress, "all-minilm"), new ManualTimeProvider());
        return new QuestionAnswerer(
            [new AgentAnswerMode(_models)], new KeywordRetrievers([Refunds, Warranty, Couriers]), _models, new MemoryAnswerCache(TimeProvider.System),
            new StoreGenerationIndexSync(new SqlDocumentStore(new SqliteDatabase(Path.Combine(_directory.FullName, "raglab.db")))),
            new CitationParser(EnglishAnalyzer.Instance), new ExtractiveAnswerer(EnglishAnalyzer.Instance),
            Options.Create(new RagLabOptions()), NullLogger<QuestionAnswerer>.Instance);
    }

    private static AskRequest Ask(string question) => new(question, AnswerModeNames.Agent, TopK: 2, Collection: "shop");

    /// <summary>The text of the tool results the model has been sent so far.</summary>
    private static string ToolResults(IReadOnlyList<FakeChatMessage> messages) => string.Join("\n", messages.Where(m => m.Role == "tool").Select(m => m.Content));

    [Fact]
    public async Task The_model_calls_search_documents_and_its_answer_cites_a_chunk_the_search_returned()
    {
        Server.CallTools = request => request.Messages.Any(m => m.Role == "tool") ? null : [new FakeToolCall(ToolName, new Dictionary<string, object?> { ["query"] = "refund window" })];
        Server.Respond = messages => ToolResults(messages).Contains("30 days", StringComparison.Ordinal)
            ? $"Refunds are accepted within 30 days [{SourceNumber(ToolResults(messages), "refunds.md")}]."
            : "I searched but found nothing.";

        var result = await Answerer().AskAsync(Ask("How long do I have to ask for a refund?"), CancellationToken.None);

        Assert.Equal("Refunds are accepted within 30 days [1].", result.Answer);
        var citation = Assert.Single(result.Citations);
        Assert.Equal((Refunds.Id, "refunds.md"), (citation.ChunkId, citation.DocumentName));
        Assert.Equal(1, result.Details!.Searches);
        Assert.Equal(["refund window"], result.Details.SearchQueries!);
        Assert.Equal([Refunds.Id], result.Retrieved!); // what the tool returned, not a retrieval made up front
        Assert.Equal("keyword", result.Retriever);
        Assert.Equal(10 + 7, result.Usage.OutputTokens); // the tool-call turn and the answer turn both count

        var chats = Server.RequestsTo("/api/chat");
        Assert.Equal(2, chats.Count);
        // The first request offers the tool as api.md's ToolDefinition: a function with a name and JSON-schema parameters.
        var tool = Assert.Single(chats[0].Json.GetProperty("tools").EnumerateArray());
        Assert.Equal("function", tool.GetProperty("type").GetString());
        Assert.Equal(ToolName, tool.GetProperty("function").GetProperty("name").GetString());
        var parameters = tool.GetProperty("function").GetProperty("parameters");
        Assert.Equal(["query", "topK"], parameters.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["query"], parameters.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        // The second sends back the model's tool call and the tool's result.
        var messages = chats[1].Json.GetProperty("messages").EnumerateArray().ToList();
        var call = Assert.Single(messages, m => m.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array);
        Assert.Equal("refund window", call.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetProperty("query").GetString());
        var toolResult = Assert.Single(messages, m => m.GetProperty("role").GetString() == "tool");
        Assert.Contains("Refunds are accepted within 30 days of purchase.", toolResult.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Sources_are_numbered_across_searches_and_the_answer_reports_how_many_searches_it_made()
    {
        var queries = new Queue<string>(["warranty period", "refund policy"]);
        Server.CallTools = request => request.Messages.Count(m => m.Role == "tool") < 2
            ? [new FakeToolCall(ToolName, new Dictionary<string, object?> { ["query"] = queries.Dequeue(), ["topK"] = 1 })]
            : null;
        Server.Respond = messages =>
        {
            var results = ToolResults(messages);
            return $"The warranty lasts two years [{SourceNumber(results, "warranty.md")}] and refunds take 30 days [{SourceNumber(results, "refunds.md")}].";
        };

        var result = await Answerer().AskAsync(Ask("What are the warranty and the refund rules?"), CancellationToken.None);

        Assert.Equal("The warranty lasts two years [1] and refunds take 30 days [2].", result.Answer);
        Assert.Equal([Warranty.Id, Refunds.Id], result.Citations.Select(c => c.ChunkId));
        Assert.Equal(2, result.Details!.Searches);
        Assert.Equal(["warranty period", "refund policy"], result.Details.SearchQueries!);
        Assert.Equal(3, Server.RequestsTo("/api/chat").Count);
    }

    [Fact]
    public async Task A_model_without_tool_support_gets_a_clear_error_naming_the_model_before_any_chat()
    {
        Server.ModelsWithoutTools.Add(Model);

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => Answerer().AskAsync(Ask("Refunds?"), CancellationToken.None));

        Assert.Contains($"{Model} cannot", error.Message);
        Assert.Contains("call tools", error.Message);
        Assert.Contains("its capabilities: completion", error.Message);
        Assert.Empty(Server.RequestsTo("/api/chat"));
        var availability = await new AgentAnswerMode(_models!).CheckAvailabilityAsync("shop", ReaderScope.Everything, CancellationToken.None);
        Assert.False(availability.Available);
        Assert.Contains(Model, availability.Reason);
    }

    [Fact]
    public async Task A_model_that_keeps_searching_is_stopped_and_the_error_says_so()
    {
        var n = 0;
        Server.CallTools = _ => [new FakeToolCall(ToolName, new Dictionary<string, object?> { ["query"] = $"attempt {++n}" })];

        var error = await Assert.ThrowsAsync<ModelCallException>(() => Answerer().AskAsync(Ask("Refunds?"), CancellationToken.None));

        Assert.Contains($"made {AgentAnswerMode.MaxSearches} searches", error.Message);
        // The searches allowed, then the refused calls after which the loop is ended.
        Assert.Equal(AgentAnswerMode.MaxSearches + 2, Server.RequestsTo("/api/chat").Count);
        Assert.Contains("No more searches", Server.RequestsTo("/api/chat")[^1].Body);
    }

    [Fact]
    public async Task The_server_reports_each_models_uncapped_window_and_capabilities()
    {
        Server.ChatContextLength = 131_072;
        Server.Models.Add("gemma:2b");
        Server.ModelsWithoutTools.Add("gemma:2b");
        Answerer();

        var chat = await _models!.GetChatModelInfoAsync(null, CancellationToken.None);
        var other = await _models.GetChatModelInfoAsync("gemma:2b", CancellationToken.None);

        Assert.Equal((Model, 131_072, true), (chat!.Model, chat.ContextLength, chat.SupportsTools));
        Assert.Equal(8192, await _models.GetChatContextLengthAsync(CancellationToken.None)); // what other modes send stays capped
        Assert.Equal((false, "completion"), (other!.SupportsTools, string.Join(",", other.Capabilities!)));
        var shows = Server.RequestsTo("/api/show").Count;
        await _models.GetChatModelInfoAsync(null, CancellationToken.None);
        await _models.GetChatModelInfoAsync("gemma:2b", CancellationToken.None);
        Assert.Equal(shows, Server.RequestsTo("/api/show").Count); // read once per model
    }

    private static int SourceNumber(string toolResults, string document) =>
        int.Parse(SourceHeader().Matches(toolResults).First(m => m.Groups["doc"].Value == document).Groups["n"].Value);

    [GeneratedRegex(@"\[(?<n>\d+)\] \((?<doc>[^)]+)\)")]
    private static partial Regex SourceHeader();

    /// <summary>A retriever that returns the chunks sharing a word with the query, most shared words first.</summary>
    private sealed class KeywordRetrievers(IReadOnlyList<Chunk> chunks) : IRetrieverCatalog, IRetriever
    {
        public IReadOnlyList<string> Names => [Name];

        public string Name => "keyword";

        public bool RequiresEmbeddings => false;

        public Task<ResolvedRetriever> ResolveAsync(string? name, string collection, CancellationToken cancellationToken) => Task.FromResult(new ResolvedRetriever(this));

        public Task<IReadOnlyList<RetrievalHit>> RetrieveAsync(RetrievalQuery query, CancellationToken cancellationToken)
        {
            var words = Words(query.Text);
            IReadOnlyList<RetrievalHit> hits = [.. chunks
                .Select(c => (Chunk: c, Shared: Words(c.Text + " " + c.DocumentName).Count(words.Contains)))
                .Where(x => x.Shared > 0)
                .OrderByDescending(x => x.Shared)
                .Take(query.TopK)
                .Select((x, i) => new RetrievalHit(i + 1, x.Shared, x.Chunk))];
            return Task.FromResult(hits);
        }

        // Crude stemming ("refunds" ~ "refund") is enough for these sentences.
        private static HashSet<string> Words(string text) =>
            [.. text.ToLowerInvariant().Split([' ', '.', ',', '?'], StringSplitOptions.RemoveEmptyEntries).Select(w => w.TrimEnd('s'))];
    }
}
