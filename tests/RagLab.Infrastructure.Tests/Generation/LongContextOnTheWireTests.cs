using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagLab.Core.Caching;
using RagLab.Core.Generation;
using RagLab.Core.Generation.LongContext;
using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Infrastructure.Ollama;
using RagLab.Infrastructure.Storage;
using RagLab.Infrastructure.Tests.Ollama;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Generation;

/// <summary>
/// The <c>longcontext</c> mode as Ollama receives it: the same messages up to the question, the same <c>num_ctx</c>, and <c>keep_alive</c>,
/// so the server can reuse its KV cache of the collection; RagLab's own hints never reach the wire.
/// </summary>
public sealed class LongContextOnTheWireTests : FakeOllamaTest, IDisposable
{
    private const string Model = "qwen2.5:1.5b";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("raglab-cag-");
    private OllamaModelProvider? _models;

    public void Dispose()
    {
        _models?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private async Task<QuestionAnswerer> AnswererAsync(OllamaOptions? options = null)
    {
        var documents = new SqlDocumentStore(new SqliteDatabase(Path.Combine(_directory.FullName, "raglab.db")));
        foreach (var (name, text) in new[] { ("refunds.md", "Refunds are accepted within 30 days of purchase."), ("couriers.md", "Parcels are handed to DHL for delivery.") })
        {
            var id = DocumentIds.ForDocument("shop", name);
            var chunk = new Chunk(DocumentIds.ForChunk(id, 0, text), id, name, "shop", 0, "", text, 0, text.Length);
            await documents.ReplaceContentAsync(new DocumentRecord(id, "shop", name, DocumentStatus.Ready, 1, text.Length, "h" + name, DateTimeOffset.UtcNow), text, [chunk], null, CancellationToken.None);
        }
        await documents.BumpGenerationAsync("shop", CancellationToken.None);
        _models = new OllamaModelProvider(options ?? new OllamaOptions(), ModelHttpClientFactory.Create(),
            new ModelEndpoint(Server.BaseAddress, Model), new ModelEndpoint(Server.BaseAddress, "all-minilm"), new ManualTimeProvider());
        return new QuestionAnswerer(
            [new LongContextAnswerMode(new CollectionPrefixCache(documents), _models)], new NoRetrievers(), _models, new MemoryAnswerCache(TimeProvider.System), new StoreGenerationIndexSync(documents),
            new CitationParser(EnglishAnalyzer.Instance), new ExtractiveAnswerer(EnglishAnalyzer.Instance),
            Options.Create(new RagLabOptions()), NullLogger<QuestionAnswerer>.Instance);
    }

    private static AskRequest Ask(string question) => new(question, AnswerModeNames.LongContext, Collection: "shop");

    [Fact]
    public async Task Every_question_sends_the_same_prefix_window_and_keep_alive_and_the_answer_says_which_read_the_prefix()
    {
        Server.Respond = messages => messages[^1].Content.Contains("Which courier", StringComparison.Ordinal)
            ? "DHL delivers the parcels [1]." : "Refunds are accepted within 30 days [2].";
        var answerer = await AnswererAsync();

        var first = await answerer.AskAsync(Ask("How long is the refund window?"), CancellationToken.None);
        var second = await answerer.AskAsync(Ask("Which courier delivers parcels?"), CancellationToken.None);

        Assert.Equal((true, false), (first.Details!.FirstWithPrefix, second.Details!.FirstWithPrefix));
        Assert.Equal("refunds.md", Assert.Single(first.Citations).DocumentName); // sources are the collection's chunks, couriers.md first
        Assert.Equal("couriers.md", Assert.Single(second.Citations).DocumentName);
        Assert.Empty(first.Retrieved!);
        Assert.Null(first.Retriever);

        var chats = Server.RequestsTo("/api/chat").Select(r => r.Json).ToList();
        Assert.Equal(2, chats.Count);
        var windows = chats.Select(c => c.GetProperty("options").GetProperty("num_ctx").GetInt32()).ToList();
        Assert.Equal(windows[0], windows[1]);
        Assert.Equal(0, windows[0] % LongContextAnswerMode.WindowStep);
        Assert.All(chats, c => Assert.Equal("1800s", c.GetProperty("keep_alive").GetString()));
        Assert.All(Server.RequestsTo("/api/chat"), r => Assert.DoesNotContain("raglab.", r.Body, StringComparison.Ordinal));

        // Byte-identical up to the question: the system message, then the user message's text before the question.
        var messages = chats.Select(c => c.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()!).ToList()).ToList();
        Assert.Equal(messages[0][0], messages[1][0]);
        var prefix = messages[0][1][..messages[0][1].IndexOf("How long is the refund window?", StringComparison.Ordinal)];
        Assert.StartsWith(prefix, messages[1][1], StringComparison.Ordinal);
        Assert.Contains("Parcels are handed to DHL for delivery.", prefix);
    }

    [Fact]
    public async Task The_fit_uses_the_models_own_window_not_the_cap_other_modes_send()
    {
        Server.ChatContextLength = 131_072;
        var answerer = await AnswererAsync(new OllamaOptions { MaxContextTokens = 1024 });

        var result = await answerer.AskAsync(Ask("How long is the refund window?"), CancellationToken.None);

        Assert.True(result.Details!.FirstWithPrefix);
        var window = Server.RequestsTo("/api/chat").Single().Json.GetProperty("options").GetProperty("num_ctx").GetInt32();
        Assert.InRange(window, 1025, 131_072); // sized for the prefix and the longest question, not cut to the 1024 cap
    }

    [Fact]
    public async Task A_window_too_small_for_the_collection_is_refused_before_any_chat()
    {
        Server.ChatContextLength = 600;
        var answerer = await AnswererAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => answerer.AskAsync(Ask("Refunds?"), CancellationToken.None));

        Assert.Contains("the window holds 600 tokens", error.Message);
        Assert.Contains($"{Model}'s context window", error.Message);
        Assert.Empty(Server.RequestsTo("/api/chat"));
    }

    private sealed class NoRetrievers : IRetrieverCatalog
    {
        public IReadOnlyList<string> Names => [];

        public Task<ResolvedRetriever> ResolveAsync(string? name, string collection, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("longcontext does not retrieve");
    }
}
