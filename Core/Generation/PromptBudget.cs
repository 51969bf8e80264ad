using RagLab.Core.Kernel;
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

    /// <summary>A budget of about <paramref name="maxContextTokens"/> tokens, estimated at <see cref="CharactersPerToken"/> characters each.</summary>
    public static PromptBudget FromTokens(int maxContextTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxContextTokens);
        return new PromptBudget((int)Math.Min(int.MaxValue, maxContextTokens * CharactersPerToken));
    }
}
