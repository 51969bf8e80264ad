using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using RagLab.Core.Generation;
using RagLab.Core.Generation.LongContext;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.Storage;

namespace RagLab.Core.Tests.Generation;

/// <summary>The <c>longcontext</c> mode: the whole collection in a fixed prefix when it fits the model's window, and a clear refusal when not.</summary>
public sealed partial class LongContextModeTests : IDisposable
{
    private const string Model = "qwen2.5:1.5b";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raglab-longcontext-" + Guid.NewGuid().ToString("n"));
    private readonly SqlDocumentStore _documents;
    private readonly ModelFacts _models = new();
    private readonly SettableClock _clock = new();
    private readonly PromptPrefixTracker _tracker;
    private readonly LongContextAnswerMode _mode;

    public LongContextModeTests()
    {
        _documents = new SqlDocumentStore(new SqliteDatabase(Path.Combine(_directory, "raglab.db")));
        _tracker = new PromptPrefixTracker(_clock);
        _mode = new LongContextAnswerMode(new CollectionPrefixCache(_documents), _models, _tracker);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }

    private Task AddDocumentAsync(string collection, string name, params string[] chunkTexts) => AddDocumentAsync(collection, name, null, chunkTexts);

    /// <param name="groups">Who may read it; null: everyone.</param>
    private async Task AddDocumentAsync(string collection, string name, IReadOnlyList<string>? groups, params string[] chunkTexts)
    {
        var documentId = DocumentIds.ForDocument(collection, name);
        var text = string.Join("\n\n", chunkTexts);
        var chunks = chunkTexts.Select((t, i) => new Chunk(DocumentIds.ForChunk(documentId, i, t), documentId, name, collection, i, "", t, 0, t.Length, groups)).ToList();
        var record = new DocumentRecord(documentId, collection, name, DocumentStatus.Ready, chunks.Count, text.Length, "hash-" + name + text.Length, DateTimeOffset.UtcNow, Groups: groups);
        await _documents.ReplaceContentAsync(record, text, chunks, null, CancellationToken.None);
        await _documents.BumpGenerationAsync(collection, CancellationToken.None);
    }

    private async Task AddShopAsync()
    {
        await AddDocumentAsync("shop", "warranty.md", "Every product carries a warranty of two years.");
        await AddDocumentAsync("shop", "refunds.md", "Refunds are accepted within 30 days of purchase.", "Refunds go back to the card that paid.");
        await AddDocumentAsync("shop", "couriers.md", "Parcels are handed to DHL for delivery.");
    }

    private async Task<AnswerPlan> PlanAsync(string question, string collection = "shop", ReaderScope? scope = null) =>
        await ((IAnswerMode)_mode).PlanAsync(new AnswerPlanRequest(question, collection, [], 8192, Model, null, 5) { Scope = scope ?? ReaderScope.Everything }, CancellationToken.None);

    [Fact]
    public async Task The_whole_collection_is_sent_as_a_prefix_that_stays_byte_identical_from_question_to_question()
    {
        await AddShopAsync();

        var first = await PlanAsync("How long is the warranty?");
        var second = await PlanAsync("Which courier delivers parcels?");

        // Every chunk, in document-name order, numbered as sources the answer can cite.
        Assert.Equal(["couriers.md", "refunds.md", "refunds.md", "warranty.md"], first.Sources.Select(s => s.Chunk.DocumentName));
        Assert.Equal([1, 2, 3, 4], SourceNumbers().Matches(first.Prompt.Messages[1].Text).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
        Assert.Empty(first.Retrieved!); // nothing was retrieved: the collection is the context

        // The same system message, and the user message identical up to where the question starts.
        Assert.Equal(first.Prompt.Messages[0].Text, second.Prompt.Messages[0].Text);
        var user1 = first.Prompt.Messages[1].Text;
        var user2 = second.Prompt.Messages[1].Text;
        var prefix = user1[..user1.IndexOf("How long is the warranty?", StringComparison.Ordinal)];
        Assert.StartsWith(prefix, user2, StringComparison.Ordinal);
        foreach (var chunk in first.Sources) Assert.Contains(chunk.Chunk.Text, prefix);
    }

    [Fact]
    public async Task The_model_is_asked_to_stay_loaded_with_the_same_window_so_its_cache_of_the_prefix_is_reused()
    {
        await AddShopAsync();
        _models.ContextLength = 32_768;

        var first = await PlanAsync("How long is the warranty?");
        var second = await PlanAsync("Which courier delivers parcels? Please answer with the courier's name and nothing else at all.");
        var options1 = first.Configure(new ChatOptions { Temperature = 0 });
        var options2 = second.Configure(new ChatOptions { Temperature = 0 });

        var window = Assert.IsType<int>(options1.AdditionalProperties![ModelRequestHints.ContextWindowTokens]);
        Assert.Equal(window, options2.AdditionalProperties![ModelRequestHints.ContextWindowTokens]); // a different window would reload the model
        Assert.Equal(0, window % LongContextAnswerMode.WindowStep);
        Assert.InRange(window, first.Details!.PrefixTokens!.Value + PromptBudget.AnswerTokens, _models.ContextLength.Value);
        Assert.Equal(LongContextAnswerMode.KeepLoaded, options1.AdditionalProperties[ModelRequestHints.KeepLoaded]);
        Assert.Equal(0f, options1.Temperature); // the caller's options are kept

        // The first question makes the model read the prefix; the following one reuses it.
        Assert.Equal((true, false), (first.Details.FirstWithPrefix, second.Details!.FirstWithPrefix));
        Assert.Equal(first.Details.PrefixTokens, second.Details.PrefixTokens);
    }

    [Fact]
    public async Task A_changed_collection_is_read_again_and_its_first_question_pays_for_the_new_prefix()
    {
        await AddShopAsync();
        Assert.True((await PlanAsync("Warranty?")).Details!.FirstWithPrefix);
        Assert.False((await PlanAsync("Couriers?")).Details!.FirstWithPrefix);

        await AddDocumentAsync("shop", "hours.md", "The shop is open from 9 to 5.");
        var after = await PlanAsync("Opening hours?");

        Assert.Contains(after.Sources, s => s.Chunk.DocumentName == "hours.md");
        Assert.True(after.Details!.FirstWithPrefix);
    }

    [Fact]
    public async Task After_the_keep_alive_has_passed_the_next_question_reads_the_prefix_again()
    {
        await AddShopAsync();
        await PlanAsync("Warranty?");
        _clock.Now += LongContextAnswerMode.KeepLoaded - TimeSpan.FromMinutes(1);
        Assert.False((await PlanAsync("Couriers?")).Details!.FirstWithPrefix);

        _clock.Now += LongContextAnswerMode.KeepLoaded + TimeSpan.FromMinutes(1);
        Assert.True((await PlanAsync("Refunds?")).Details!.FirstWithPrefix);
    }

    [Fact]
    public async Task Another_prompt_sent_to_the_model_in_between_evicts_the_prefix_from_its_cache()
    {
        await AddShopAsync();
        var first = await PlanAsync("Warranty?");
        // What the chat pipeline reports: this question went out with its prefix, then another mode's prompt went to the same model.
        using var recording = new PromptPrefixRecordingChatClient(new SilentChatClient(), _tracker, Model);
        await recording.GetResponseAsync("the long-context question", first.Configure(new ChatOptions()));
        Assert.False((await PlanAsync("Couriers?")).Details!.FirstWithPrefix);

        await recording.GetResponseAsync("a rag question", new ChatOptions());
        Assert.True((await PlanAsync("Refunds?")).Details!.FirstWithPrefix);

        // A prompt to another model does not touch this model's cache.
        await recording.GetResponseAsync("a fine-tuned model's question", new ChatOptions { ModelId = "raglab-shop-v1" });
        Assert.False((await PlanAsync("Refunds again?")).Details!.FirstWithPrefix);
    }

    [Fact]
    public async Task A_collection_larger_than_the_window_is_refused_with_both_sizes_named()
    {
        _models.ContextLength = 1024;
        var paragraph = string.Join(' ', Enumerable.Repeat("The warranty covers parts and labour for two full years.", 12));
        for (var i = 0; i < 10; i++) await AddDocumentAsync("shop", $"manual-{i}.md", paragraph);

        var error = await Assert.ThrowsAsync<ValidationException>(() => PlanAsync("How long is the warranty?"));

        Assert.Contains($"{Model}'s context window", error.Message);
        Assert.Contains("the window holds 1,024 tokens", error.Message);
        var needed = int.Parse(NeededTokens().Match(error.Message).Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.True(needed > 1024, error.Message);
        Assert.Contains("10 chunks", error.Message);
        Assert.Contains("'rag' mode", error.Message); // what to do instead

        var availability = await _mode.CheckAvailabilityAsync("shop", ReaderScope.Everything, CancellationToken.None);
        Assert.False(availability.Available);
        Assert.Contains("the window holds 1,024 tokens", availability.Reason);
    }

    [Fact]
    public async Task A_collection_that_fits_is_reported_available_with_its_size()
    {
        await AddShopAsync();
        var availability = await _mode.CheckAvailabilityAsync("shop", ReaderScope.Everything, CancellationToken.None);
        Assert.True(availability.Available);
        Assert.Contains("32,768-token window", availability.Reason);
    }

    /// <summary>Ten large manuals only <c>hr</c> may read (together far over a 1,024-token window) and one short note for <c>sales</c>.</summary>
    private async Task AddManualsAndNoteAsync()
    {
        _models.ContextLength = 1024;
        var paragraph = string.Join(' ', Enumerable.Repeat("The salary bands are reviewed every spring by the board.", 12));
        for (var i = 0; i < 10; i++) await AddDocumentAsync("shop", $"hr-manual-{i}.md", ["hr"], paragraph);
        await AddDocumentAsync("shop", "price-list.md", ["sales"], "Parcels ship free above 50 euros.");
    }

    [Fact]
    public async Task Availability_is_judged_over_the_documents_the_reader_may_read_as_their_answer_is()
    {
        await AddManualsAndNoteAsync();
        var sales = ReaderScope.OfGroups(["sales"]);

        var forSales = await _mode.CheckAvailabilityAsync("shop", sales, CancellationToken.None);
        var forAdmin = await _mode.CheckAvailabilityAsync("shop", ReaderScope.Everything, CancellationToken.None);

        Assert.True(forSales.Available, forSales.Reason);
        Assert.Contains("documents you may read", forSales.Reason);
        var salesTokens = int.Parse(AboutTokens().Match(forSales.Reason!).Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.InRange(salesTokens, 1, 1024 - PromptBudget.AnswerTokens);
        Assert.False(forAdmin.Available);
        Assert.Contains("11 chunks", forAdmin.Reason);
        Assert.Contains("the window holds 1,024 tokens", forAdmin.Reason);

        // The answering path agrees with what each was told: the reader's note is sent, the admin's whole collection is refused.
        var plan = await PlanAsync("Is shipping free?", scope: sales);
        Assert.Contains("Parcels ship free", plan.Prompt.Messages[1].Text);
        Assert.DoesNotContain("salary", plan.Prompt.Messages[1].Text);
        await Assert.ThrowsAsync<ValidationException>(() => PlanAsync("Is shipping free?"));
    }

    [Fact]
    public async Task A_reader_whose_view_is_too_large_is_told_their_own_size_and_nothing_of_the_rest()
    {
        await AddManualsAndNoteAsync();

        var forHr = await _mode.CheckAvailabilityAsync("shop", ReaderScope.OfGroups(["hr"]), CancellationToken.None);
        var forAdmin = await _mode.CheckAvailabilityAsync("shop", ReaderScope.Everything, CancellationToken.None);

        Assert.False(forHr.Available);
        Assert.Contains("The documents you may read in collection 'shop' do not fit", forHr.Reason);
        Assert.Contains("10 chunks", forHr.Reason); // the manuals, not the note hr may not read
        var hrTokens = int.Parse(NeedAboutTokens().Match(forHr.Reason!).Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        var allTokens = int.Parse(NeedAboutTokens().Match(forAdmin.Reason!).Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.True(hrTokens < allTokens, $"{forHr.Reason} / {forAdmin.Reason}");
    }

    [Fact]
    public async Task A_reader_who_may_read_nothing_is_told_so_without_the_size_of_what_others_read()
    {
        await AddManualsAndNoteAsync();

        var availability = await _mode.CheckAvailabilityAsync("shop", ReaderScope.OfGroups(["legal"]), CancellationToken.None);

        Assert.False(availability.Available);
        Assert.Contains("has no documents you may read", availability.Reason);
        Assert.DoesNotContain("chunks", availability.Reason);
        Assert.DoesNotContain("tokens", availability.Reason);
    }

    [Fact]
    public async Task An_empty_collection_is_refused()
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() => PlanAsync("Anything?", "empty"));
        Assert.Contains("'empty' has no documents", error.Message);
    }

    [Fact]
    public async Task A_server_that_does_not_report_the_window_is_refused_with_what_to_connect()
    {
        await AddShopAsync();
        _models.ContextLength = null;

        var error = await Assert.ThrowsAsync<DependencyUnavailableException>(() => PlanAsync("Warranty?"));
        Assert.Contains("context window", error.Message);
        Assert.Contains("/api/show", error.Message);
    }

    [GeneratedRegex(@"^\[(\d+)\] \(", RegexOptions.Multiline)]
    private static partial Regex SourceNumbers();

    [GeneratedRegex(@"needs about ([\d,]+) tokens")]
    private static partial Regex NeededTokens();

    [GeneratedRegex(@"\(about ([\d,]+) tokens\)")]
    private static partial Regex AboutTokens();

    [GeneratedRegex(@"needs? about ([\d,]+) tokens")]
    private static partial Regex NeedAboutTokens();

    /// <summary>A model server that reports a chat model's window (or nothing).</summary>
    private sealed class ModelFacts : IModelProvider
    {
        public int? ContextLength { get; set; } = 32_768;

        public ValueTask<IChatClient?> GetChatClientAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IChatClient?>(null);

        public ValueTask<IEmbeddingGenerator<string, Embedding<float>>?> GetEmbeddingGeneratorAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IEmbeddingGenerator<string, Embedding<float>>?>(null);

        public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new ModelStatus("ollama", "http://127.0.0.1:9", Model, true, null, false));

        public ValueTask<ChatModelInfo?> GetChatModelInfoAsync(string? model, CancellationToken cancellationToken) =>
            ValueTask.FromResult<ChatModelInfo?>(new ChatModelInfo(model ?? Model, ContextLength, ["completion", "tools"]));
    }

    /// <summary>A model that answers every prompt with an empty message.</summary>
    private sealed class SilentChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "")));

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "");
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() { }
    }

    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
