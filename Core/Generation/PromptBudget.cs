namespace RagLab.Core.Generation;

/// <summary>
/// How much retrieved text a RAG prompt may carry, measured in characters of the context block
/// (source headers and chunk texts, without the <c>&lt;context&gt;</c> tags).
/// When the hits do not fit, the lowest-ranked hits are dropped first; if even the top hit alone is too long,
/// its text is cut at a word boundary and marked as truncated, so the prompt always has some context.
/// </summary>
/// <param name="MaxContextCharacters">The largest context block, in characters; null means no limit.</param>
public sealed record PromptBudget(int? MaxContextCharacters)
{
    /// <summary>Rough characters per token for English text, used by <see cref="FromTokens"/>.</summary>
    public const double CharactersPerToken = 4.0;

    /// <summary>No limit: every hit goes into the prompt.</summary>
    public static PromptBudget Unlimited { get; } = new((int?)null);

    /// <summary>
    /// Characters per token assumed when fitting a model's context window: fewer than <see cref="CharactersPerToken"/> on purpose,
    /// because a prompt that overflows the window is cut silently by Ollama, while one that is a little short only loses a chunk.
    /// </summary>
    public const double WindowCharactersPerToken = 3.0;

    /// <summary>Tokens kept free in the window for the answer.</summary>
    public const int AnswerTokens = 512;

    /// <summary>
    /// The context block's budget for a model whose window holds <paramref name="windowTokens"/> tokens, after the answer's
    /// <see cref="AnswerTokens"/> and the <paramref name="otherPromptCharacters"/> of the rest of the prompt (instructions, question).
    /// At least 1 character, so the top hit is still sent (cut) when the window is tiny.
    /// </summary>
    public static PromptBudget ForContextWindow(int windowTokens, int otherPromptCharacters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(otherPromptCharacters);
        var contextTokens = windowTokens - AnswerTokens - (int)Math.Ceiling(otherPromptCharacters / WindowCharactersPerToken);
        return new PromptBudget(Math.Max(1, (int)Math.Min(int.MaxValue, contextTokens * WindowCharactersPerToken)));
    }

    /// <summary>The smaller of two budgets.</summary>
    public PromptBudget Min(PromptBudget other) =>
        MaxContextCharacters is null ? other
        : other.MaxContextCharacters is null ? this
        : new PromptBudget(Math.Min(MaxContextCharacters.Value, other.MaxContextCharacters.Value));

    /// <summary>A budget of about <paramref name="maxContextTokens"/> tokens, estimated at <see cref="CharactersPerToken"/> characters each.</summary>
    public static PromptBudget FromTokens(int maxContextTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxContextTokens);
        return new PromptBudget((int)Math.Min(int.MaxValue, maxContextTokens * CharactersPerToken));
    }
}
