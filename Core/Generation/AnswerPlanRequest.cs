using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;

namespace RagLab.Core.Generation;

/// <summary>What a mode knows when it plans one answer.</summary>
/// <param name="Hits">The chunks retrieved before generation, in rank order (empty for modes that do not retrieve up front).</param>
/// <param name="ContextWindowTokens">The window the chat model runs with by default (capped by configuration), or null when unknown.</param>
/// <param name="Model">The model that will answer.</param>
/// <param name="Retriever">The retriever the request resolved to, for modes that search while answering; null for modes without retrieval.</param>
/// <param name="TopK">How many chunks a search returns.</param>
public sealed record AnswerPlanRequest(
    string Question,
    string Collection,
    IReadOnlyList<RetrievalHit> Hits,
    int? ContextWindowTokens,
    string Model,
    IRetriever? Retriever,
    int TopK)
{
    /// <summary>Whose view the answer may draw on: a mode that reads documents itself (the agent's searches, the long-context prefix) sees only it.</summary>
    public ReaderScope Scope { get; init; } = ReaderScope.Everything;
}
