using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagLab.Core.Caching;
using RagLab.Core.Generation;
using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Infrastructure.Ollama;
using RagLab.Infrastructure.Storage;
using RagLab.Infrastructure.Tests.Ollama;
using RagLab.Testing;

namespace RagLab.Infrastructure.Tests.Generation;

/// <summary>The rag answer against an Ollama model with a small window: the prompt is fitted to it, and the user is told what was left out.</summary>
public sealed partial class ContextWindowBudgetTests : FakeOllamaTest
{
    [Fact]
    public async Task A_hundred_chunks_of_256_tokens_are_fitted_to_a_2048_token_window_and_the_warning_names_the_dropped_count()
    {
        Server.ChatContextLength = 2048;
        var directory = Directory.CreateTempSubdirectory("raglab-budget-");
        try
        {
            using var models = new OllamaModelProvider(new OllamaOptions(), ModelHttpClientFactory.Create(),
                new ModelEndpoint(Server.BaseAddress, "qwen2.5:1.5b"), new ModelEndpoint(Server.BaseAddress, "all-minilm"), new ManualTimeProvider());
            var hits = Enumerable.Range(1, 100).Select(rank => Hit(rank, tokens: 256)).ToList();
            var answerer = new QuestionAnswerer(
                [new RagAnswerMode(new RagPromptBuilder())], new FixedRetrievers(hits), models, new MemoryAnswerCache(TimeProvider.System),
                new StoreGenerationIndexSync(new SqlDocumentStore(new SqliteDatabase(Path.Combine(directory.FullName, "raglab.db")))),
                new CitationParser(EnglishAnalyzer.Instance), new ExtractiveAnswerer(EnglishAnalyzer.Instance),
                Options.Create(new RagLabOptions()), NullLogger<QuestionAnswerer>.Instance);

            var result = await answerer.AskAsync(new AskRequest("What does chunk one say?", TopK: 100), CancellationToken.None);

            var chat = Server.RequestsTo("/api/chat").Single().Json;
            Assert.Equal(2048, chat.GetProperty("options").GetProperty("num_ctx").GetInt32());
            var prompt = string.Join("\n", chat.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()));
            var sent = SourceHeader().Matches(prompt).Count;
            Assert.InRange(sent, 1, 99);
            // Fits: the prompt's tokens (as the server counted them) leave the answer its room in the window.
            Assert.True(result.Usage.InputTokens + PromptBudget.AnswerTokens <= 2048, $"prompt of {result.Usage.InputTokens} tokens");
            Assert.Contains(result.Warnings ?? [], w => w.Contains($"{100 - sent} of 100 retrieved chunks") && w.Contains("2048-token"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    private static RetrievalHit Hit(int rank, int tokens)
    {
        var text = string.Join(' ', Enumerable.Range(0, tokens).Select(i => $"c{rank}w{i}"));
        var chunk = new Chunk($"doc{rank}#0", $"doc{rank}", $"doc{rank}.md", "default", 0, "", text, 0, text.Length);
        return new RetrievalHit(rank, 1.0 / rank, chunk);
    }

    [GeneratedRegex(@"^\[\d+\] \(", RegexOptions.Multiline)]
    private static partial Regex SourceHeader();

    /// <summary>A retriever that returns the given hits, whatever the question.</summary>
    private sealed class FixedRetrievers(IReadOnlyList<RetrievalHit> hits) : IRetrieverCatalog, IRetriever
    {
        public IReadOnlyList<string> Names => [Name];

        public string Name => "fixed";

        public bool RequiresEmbeddings => false;

        public Task<ResolvedRetriever> ResolveAsync(string? name, string collection, CancellationToken cancellationToken) => Task.FromResult(new ResolvedRetriever(this));

        public Task<IReadOnlyList<RetrievalHit>> RetrieveAsync(RetrievalQuery query, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RetrievalHit>>(hits.Take(query.TopK).ToList());
    }
}
