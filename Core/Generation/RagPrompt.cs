using Microsoft.Extensions.AI;
using RagLab.Core.Kernel;

namespace RagLab.Core.Generation;

/// <summary>A built RAG prompt and which hits it carries.</summary>
/// <param name="Messages">The system and user messages to send to the chat model.</param>
/// <param name="Hits">The hits in the context, in order: source <c>[n]</c> is <c>Hits[n - 1]</c>.
/// Pass this list (not the retriever's full list) to <see cref="CitationParser.Parse"/>.</param>
/// <param name="DroppedHits">How many lowest-ranked hits were left out to fit the <see cref="PromptBudget"/>.</param>
/// <param name="TopHitTruncated">True when even the top hit did not fit and its text was cut.</param>
public sealed record RagPrompt(
    IReadOnlyList<ChatMessage> Messages,
    IReadOnlyList<RetrievalHit> Hits,
    int DroppedHits,
    bool TopHitTruncated);
