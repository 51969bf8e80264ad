
namespace RagLab.Core.Kernel;

/// <summary>A chunk an index matched, with the index's own score (higher is better).</summary>
public readonly record struct ScoredChunk(Chunk Chunk, double Score);

/// <summary>One result of a retriever: the chunk, its score and its 1-based rank.</summary>
public sealed record RetrievalHit(int Rank, double Score, Chunk Chunk);

/// <summary>What to look for, where, whose view of the documents, and how many results to return.</summary>
public sealed record RetrievalQuery(string Text, string Collection, int TopK)
{
    /// <summary>
    /// The reader's view: chunks of documents outside it are skipped before ranking, so they are never scored or returned.
    /// Everything by default (the local lab, an admin, tools).
    /// </summary>
    public ReaderScope Scope { get; init; } = ReaderScope.Everything;
}
