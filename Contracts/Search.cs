namespace RagLab.Contracts;

/// <summary>The body of <c>POST /api/search</c>.</summary>
/// <param name="Retriever"><c>bm25</c>, <c>dense</c> or <c>hybrid</c>; null means the default for what is connected.</param>
public sealed record SearchRequest(string? Query, int? TopK = null, string? Retriever = null, string? Collection = null);

/// <summary>A retrieved chunk, best first.</summary>
public sealed record SearchHit(int Rank, double Score, string ChunkId, string DocumentId, string DocumentName, string Text, string HeadingPath, int Start, int End);

public sealed record SearchTimings(double RetrievalMs);

/// <summary>The chunks found, best first, and by what.</summary>
/// <param name="Retriever">The retriever actually used (the default resolved, e.g. <c>bm25</c> when the collection needs a re-embed).</param>
/// <param name="Warnings">What the caller should know about the search, e.g. why the default retriever was bm25 and how to re-embed.</param>
public sealed record SearchResponse(IReadOnlyList<SearchHit> Hits, string Retriever, SearchTimings Timings, IReadOnlyList<string>? Warnings = null);
