using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Retrieval;
using RagLab.Core.Telemetry;
using RagLab.Core.Kernel;

namespace RagLab.Core.Generation;

/// <summary>
/// Answers questions in any registered <see cref="IAnswerMode"/>: checks the cache, retrieves, generates (or falls back
/// to an extractive answer when no LLM is connected and the mode allows it), validates citations, and measures.
/// </summary>
public sealed class QuestionAnswerer(
    IEnumerable<IAnswerMode> modes,
    IRetrieverCatalog retrievers,
    IModelProvider models,
    IAnswerCache cache,
    IIndexSync indexes,
    CitationParser citations,
    ExtractiveAnswerer extractive,
    IOptions<RagLabOptions> options,
    ILogger<QuestionAnswerer> logger) : IQuestionAnswerer
{
    /// <summary>The model name reported for extractive answers, so nothing pretends to be an LLM.</summary>
    public const string ExtractiveModelName = "extractive";

    /// <summary>Longest accepted question, in characters (<see cref="QueryLimits.MaxCharacters"/>, as for search).</summary>
    public const int MaxQuestionLength = QueryLimits.MaxCharacters;

    private readonly Dictionary<string, IAnswerMode> _modes = modes.ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<string> Modes => [.. _modes.Keys];

    /// <summary>The registered modes with their descriptions.</summary>
    public IReadOnlyCollection<IAnswerMode> ModeInfo => _modes.Values;

    public async Task<AnswerResult> AskAsync(AskRequest request, CancellationToken cancellationToken)
    {
        await foreach (var update in AskStreamingAsync(request, cancellationToken))
        {
            if (update is AnswerEvent.Completed completed) return completed.Result;
        }
        throw new InvalidOperationException("The answer stream ended without a result.");
    }

    public async IAsyncEnumerable<AnswerEvent> AskStreamingAsync(AskRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var (question, mode, topK, collection) = Validate(request);

        // Everything that can refuse the request is checked before the first token is sent.
        var resolved = mode.UsesRetrieval ? await retrievers.ResolveAsync(request.Retriever, collection, cancellationToken) : null;
        var retriever = resolved?.Retriever;
        var own = await mode.ResolveModelAsync(collection, cancellationToken);
        var chat = own?.Client ?? await models.GetChatClientAsync(cancellationToken);
        var status = await models.GetStatusAsync(cancellationToken);
        var useExtractive = chat is null;
        if (useExtractive && !mode.SupportsExtractiveFallback)
            throw new DependencyUnavailableException(NoModelMessage(mode.Name, status));
        var model = useExtractive ? ExtractiveModelName : own?.Name ?? mode.ModelOverride ?? status.ChatModel ?? "unknown";

        var variant = await mode.GetCacheVariantAsync(collection, cancellationToken);
        // The reader's view is part of the key: an answer built from documents one caller may read is never served to another.
        // The retriever actually used is too, so a bm25 fallback answer is not served once the collection is re-embedded.
        var key = new AnswerCacheKey(NormalizeQuestion(question), variant is null ? mode.Name : $"{mode.Name}#{variant}", model, retriever?.Name ?? "none", topK, collection,
            await indexes.CatchUpAsync(collection, cancellationToken), request.Scope.CacheKey());
        if (!request.NoCache && await LookupAsync(key, cancellationToken) is { } cached)
        {
            yield return new AnswerEvent.Completed(WithWarning(cached with
            {
                Cached = true,
                Timings = new AnswerTimings(0, 0, total.Elapsed.TotalMilliseconds),
            }, resolved?.Warning));
            yield break;
        }

        var retrieval = Stopwatch.StartNew();
        IReadOnlyList<RetrievalHit> hits = retriever is null || !mode.RetrievesBeforeAnswering ? [] : await retriever.RetrieveAsync(new RetrievalQuery(question, collection, topK) { Scope = request.Scope }, cancellationToken);
        var retrievalMs = retrieval.Elapsed.TotalMilliseconds;

        AnswerResult result;
        if (useExtractive)
        {
            var answer = extractive.Answer(question, hits);
            yield return new AnswerEvent.Token(answer.Text);
            result = new AnswerResult(answer.Text, mode.Name, model, Extractive: true, answer.Citations, Cached: false,
                new AnswerTimings(retrievalMs, 0, total.Elapsed.TotalMilliseconds), new TokenUsage(0, 0),
                retriever?.Name, [.. hits.Select(h => h.Chunk.Id)],
                [string.Join(' ', "No language model is connected, so this answer is extractive: sentences copied from the top retrieved chunks.", status.Error).TrimEnd()]);
        }
        else
        {
            var generation = Stopwatch.StartNew();
            // RagLab's generate span holds prompt planning and the whole stream; the chat client's gen_ai span(s) nest inside it.
            using var activity = RagLabTelemetry.ActivitySource.StartActivity("generate");
            activity?.SetTag("raglab.mode", mode.Name);
            activity?.SetTag("gen_ai.request.model", model);
            var warnings = new List<string>();
            double? firstToken = null;
            var text = new StringBuilder();
            long input = 0, output = 0;
            var window = await models.GetChatContextLengthAsync(cancellationToken);
            var plan = await mode.PlanAsync(new AnswerPlanRequest(question, collection, hits, window, model, retriever, topK) { Scope = request.Scope }, cancellationToken);
            var chatOptions = plan.Configure(new ChatOptions { ModelId = own is null ? mode.ModelOverride : null, Temperature = 0 });
            warnings.AddRange(BudgetWarnings(plan.Prompt, hits.Count, window));
            await foreach (var update in plan.GenerateAsync(chat!, chatOptions, cancellationToken))
            {
                foreach (var usage in update.Contents.OfType<UsageContent>())
                {
                    input += usage.Details.InputTokenCount ?? 0;
                    output += usage.Details.OutputTokenCount ?? 0;
                }
                if (string.IsNullOrEmpty(update.Text)) continue;
                firstToken ??= total.Elapsed.TotalMilliseconds;
                text.Append(update.Text);
                yield return new AnswerEvent.Token(update.Text);
            }
            RagLabTelemetry.RecordTokenUsage(activity, model, input, output);
            var generationMs = generation.Elapsed.TotalMilliseconds;
            RagLabTelemetry.GenerationDuration.Record(generationMs);
            var parsed = citations.Parse(text.ToString(), plan.Sources);
            warnings.AddRange(plan.Warnings);
            warnings.AddRange(parsed.Warnings);
            result = new AnswerResult(parsed.Answer, mode.Name, model, Extractive: false, parsed.Citations, Cached: false,
                new AnswerTimings(retrievalMs, generationMs, total.Elapsed.TotalMilliseconds, firstToken), new TokenUsage(input, output),
                retriever?.Name, [.. (plan.Retrieved ?? hits).Select(h => h.Chunk.Id)], warnings.Count > 0 ? warnings : null, plan.Details);
        }

        // The fallback's warning is not cached: an explicit bm25 request shares the entry and must not read it, and a fallback must always say it.
        await StoreAsync(key, result, cancellationToken);
        yield return new AnswerEvent.Completed(WithWarning(result, resolved?.Warning));
    }

    private (string Question, IAnswerMode Mode, int TopK, string Collection) Validate(AskRequest request)
    {
        var question = request.Question?.Trim() ?? string.Empty;
        if (question.Length == 0) throw new ValidationException("The question is empty. Ask something, e.g. {\"question\": \"What is the refund policy?\"}.");
        if (question.Length > MaxQuestionLength) throw new ValidationException($"The question is {question.Length} characters long; the limit is {MaxQuestionLength} characters. Shorten it.");
        var modeName = string.IsNullOrWhiteSpace(request.Mode) ? AnswerModeNames.Rag : request.Mode.Trim();
        if (!_modes.TryGetValue(modeName, out var mode))
            throw new ValidationException($"Unknown mode '{modeName}'. Use one of: {string.Join(", ", _modes.Keys)}.");
        var topK = request.TopK ?? options.Value.DefaultTopK;
        if (topK < 1 || topK > options.Value.MaxTopK)
            throw new ValidationException($"topK must be between 1 and {options.Value.MaxTopK}; it was {topK}.");
        return (question, mode, topK, CollectionName.Normalize(request.Collection));
    }

    private static AnswerResult WithWarning(AnswerResult result, string? warning) =>
        warning is null ? result : result with { Warnings = [warning, .. result.Warnings ?? []] };

    private async Task<AnswerResult?> LookupAsync(AnswerCacheKey key, CancellationToken cancellationToken)
    {
        using var activity = RagLabTelemetry.ActivitySource.StartActivity("cache");
        var cached = await cache.GetAsync(key, cancellationToken);
        activity?.SetTag("raglab.cache.hit", cached is not null);
        RagLabTelemetry.RecordCacheLookup(hit: cached is not null);
        return cached;
    }

    private async Task StoreAsync(AnswerCacheKey key, AnswerResult result, CancellationToken cancellationToken)
    {
        try
        {
            await cache.SetAsync(key, result, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not cache the answer; serving it uncached");
        }
    }

    /// <summary>Lower-cased, whitespace-collapsed, trailing punctuation removed: "What is X?" and "what is  x" share an entry.</summary>
    public static string NormalizeQuestion(string question) =>
        string.Join(' ', question.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).TrimEnd('?', '.', '!', ' ');

    /// <summary>What the prompt budget left out, said so a user knows the answer saw fewer chunks than were retrieved.</summary>
    internal static IEnumerable<string> BudgetWarnings(RagPrompt prompt, int retrieved, int? window)
    {
        var where = window is { } tokens ? $"the chat model's {tokens}-token context window" : "the prompt budget";
        if (prompt.DroppedHits > 0)
            yield return $"{prompt.DroppedHits} of {retrieved} retrieved chunks did not fit {where} and were left out (lowest-ranked first).";
        if (prompt.TopHitTruncated)
            yield return $"The top retrieved chunk was cut to fit {where}.";
    }

    internal static string NoModelMessage(string mode, ModelStatus status) =>
        $"The '{mode}' mode needs a language model, and none is connected" + (status.Error is null ? "." : $": {status.Error}.") +
        " Start Ollama (https://ollama.com) and run `ollama pull qwen2.5:1.5b`, or point RagLab:Ollama:Endpoint at a running server. " +
        "The 'rag' mode still answers extractively without one.";
}
