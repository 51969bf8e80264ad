using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Core.Generation.LongContext;

/// <summary>
/// <c>longcontext</c> (cache-augmented generation): the whole collection as numbered sources in a fixed prefix of every prompt, when it
/// fits the model's own context window. The prefix is byte-identical from question to question and the model is asked to stay loaded,
/// with a context window that stays the same too, so the server can reuse its cache of the prefix: the first question pays for reading
/// the collection, the following ones do not. The answer reports which of the two it was.
/// </summary>
/// <param name="tracker">What the model server has cached; shared with the chat pipeline, which reports every other prompt sent to the model.</param>
public sealed class LongContextAnswerMode(CollectionPrefixCache prefixes, IModelProvider models, PromptPrefixTracker? tracker = null) : IAnswerMode
{
    /// <summary>How long the model server is asked to keep the model (and so its cache of the prefix) loaded after each answer.</summary>
    public static readonly TimeSpan KeepLoaded = TimeSpan.FromMinutes(30);

    /// <summary>The window sent is the prefix's need rounded up to this, so it is the same for every question on the same content.</summary>
    public const int WindowStep = 1024;

    /// <summary>Tokens kept in the window for the longest question a user may ask.</summary>
    public static readonly int QuestionTokens = CollectionPrefix.EstimateTokens(QuestionAnswerer.MaxQuestionLength);

    // The same builder as rag with no budget: the same instructions, citation rules and escaping, over every chunk.
    private readonly RagPromptBuilder _prompts = new();
    private readonly PromptPrefixTracker _tracker = tracker ?? new PromptPrefixTracker();

    public string Name => AnswerModeNames.LongContext;
    public string Description => "The whole collection in the prompt (cache-augmented generation), when it fits the model's context window; cites like rag.";
    public bool UsesRetrieval => false;
    public bool SupportsExtractiveFallback => false;
    public string? ModelOverride => null;
    public bool ReusesPromptPrefix => true;

    /// <summary>The prompt with <paramref name="hits"/> as the whole collection, in the order given.</summary>
    public IReadOnlyList<ChatMessage> BuildPrompt(string question, IReadOnlyList<RetrievalHit> hits) => _prompts.Build(question, hits);

    /// <exception cref="ValidationException">The collection is empty, or does not fit the model's window (the message gives both sizes).</exception>
    /// <exception cref="DependencyUnavailableException">The model server does not report the model's window.</exception>
    public async ValueTask<AnswerPlan> PlanAsync(AnswerPlanRequest request, CancellationToken cancellationToken)
    {
        var window = await WindowAsync(request.Model, cancellationToken);
        // Only the documents the reader may read: the prefix is the collection as they see it.
        var prefix = await prefixes.GetAsync(request.Collection, window, request.Scope, cancellationToken);
        if (Refusal(prefix, request.Scope, request.Model, window) is { } refusal) throw new ValidationException(refusal);

        var prompt = _prompts.BuildPrompt(request.Question, prefix.Sources);
        var promptCharacters = prompt.Messages.Sum(m => (long)m.Text.Length);
        var needed = CollectionPrefix.EstimateTokens(promptCharacters) + PromptBudget.AnswerTokens;
        if (needed > window) throw new ValidationException(DoesNotFit(prefix.Collection, request.Scope, request.Model, needed, prefix.Chunks, promptCharacters, window));

        var prefixTokens = CollectionPrefix.EstimateTokens(promptCharacters - request.Question.Trim().Length);
        var windowSent = Math.Min(window, RoundUp(prefixTokens + QuestionTokens + PromptBudget.AnswerTokens, WindowStep));
        var key = $"{prefix.Collection}\u001f{prefix.Generation}\u001f{windowSent}\u001f{request.Scope.CacheKey()}";
        var first = !_tracker.Claim(request.Model, key, KeepLoaded);
        return new LongContextPlan(prompt, windowSent, key, new AnswerDetails(PrefixTokens: prefixTokens, FirstWithPrefix: first));
    }

    /// <summary>
    /// Whether the documents <paramref name="scope"/> may read fit the connected model's window: the prefix and estimate an answer for
    /// that caller would use, so the sizes in the reason are those of their documents only.
    /// </summary>
    public async ValueTask<ModeAvailability> CheckAvailabilityAsync(string collection, ReaderScope scope, CancellationToken cancellationToken)
    {
        var model = (await models.GetStatusAsync(cancellationToken)).ChatModel ?? "the chat model";
        if (await models.GetChatModelInfoAsync(null, cancellationToken) is not { ContextLength: { } window })
            return ModeAvailability.Unavailable(UnknownWindow(model));
        var prefix = await prefixes.GetAsync(collection, window, scope, cancellationToken);
        if (Refusal(prefix, scope, model, window) is { } refusal) return ModeAvailability.Unavailable(refusal);
        return new ModeAvailability(true, $"{Subject(prefix.Collection, scope)} (about {prefix.EstimatedTokens:N0} tokens) fit{(scope.IsEverything ? "s" : "")} {model}'s {window:N0}-token window.");
    }

    private async Task<int> WindowAsync(string model, CancellationToken cancellationToken) =>
        await models.GetChatModelInfoAsync(model, cancellationToken) is { ContextLength: { } window }
            ? window
            : throw new DependencyUnavailableException(UnknownWindow(model));

    /// <param name="prefix">The collection as <paramref name="scope"/> sees it; nothing about other documents reaches the message.</param>
    private static string? Refusal(CollectionPrefix prefix, ReaderScope scope, string model, int window)
    {
        if (prefix.Chunks == 0)
            return $"The collection '{prefix.Collection}' has no documents you may read, and the 'longcontext' mode answers from the whole collection as you see it. Upload documents first.";
        var needed = prefix.EstimatedTokens + PromptBudget.AnswerTokens;
        return !prefix.Fits || needed > window ? DoesNotFit(prefix.Collection, scope, model, needed, prefix.Chunks, prefix.Characters, window) : null;
    }

    private static string DoesNotFit(string collection, ReaderScope scope, string model, long neededTokens, int chunks, long characters, int window) =>
        $"{Subject(collection, scope)} do{(scope.IsEverything ? "es" : "")} not fit {model}'s context window: {(scope.IsEverything ? "it needs" : "they need")} about {neededTokens:N0} tokens ({chunks:N0} chunks, " +
        $"{characters:N0} characters at about {PromptBudget.WindowCharactersPerToken:0} per token, plus {PromptBudget.AnswerTokens} for the answer), " +
        $"and the window holds {window:N0} tokens. Ask in 'rag' mode, which sends only the best chunks, or use a model with a larger window.";

    // A reader who sees part of the collection is told about their part: the sizes are of their documents, not of the collection.
    private static string Subject(string collection, ReaderScope scope) =>
        scope.IsEverything ? $"The collection '{collection}'" : $"The documents you may read in collection '{collection}'";

    private static string UnknownWindow(string model) =>
        $"The 'longcontext' mode needs to know {model}'s context window, and the model server does not report it " +
        "(RagLab reads it from Ollama's POST /api/show, model_info's context_length). Connect the model through Ollama, or ask in 'rag' mode.";

    private static int RoundUp(long tokens, int step) => (int)Math.Min(int.MaxValue, (tokens + step - 1) / step * step);

    /// <summary>Asks for the window and for the model to stay loaded; nothing was retrieved.</summary>
    private sealed class LongContextPlan(RagPrompt prompt, int window, string prefixKey, AnswerDetails details) : AnswerPlan(prompt)
    {
        public override ChatOptions Configure(ChatOptions options)
        {
            var configured = options.Clone();
            configured.AdditionalProperties ??= [];
            configured.AdditionalProperties[ModelRequestHints.ContextWindowTokens] = window;
            configured.AdditionalProperties[ModelRequestHints.KeepLoaded] = KeepLoaded;
            configured.AdditionalProperties[ModelRequestHints.PromptPrefix] = prefixKey;
            return configured;
        }

        public override IReadOnlyList<RetrievalHit> Retrieved => [];

        public override AnswerDetails Details => details;
    }
}
