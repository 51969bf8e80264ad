namespace RagLab.Contracts;

/// <summary>The body of <c>POST /api/ask</c> and <c>POST /api/ask/stream</c>.</summary>
/// <param name="Mode">A mode name from <c>GET /api/modes</c>; null means <c>rag</c>.</param>
/// <param name="Retriever"><c>bm25</c>, <c>dense</c> or <c>hybrid</c>; null means the default for what is connected.</param>
public sealed record AskRequest(string Question, string? Mode = null, int? TopK = null, string? Retriever = null, string? Collection = null);

/// <summary>A chunk an answer cites, and the text from it that supports the answer.</summary>
public sealed record AskCitation(string ChunkId, string DocumentId, string DocumentName, string Quote);

public sealed record AskTimings(double RetrievalMs, double GenerationMs, double TotalMs, double? TimeToFirstTokenMs = null);

public sealed record AskUsage(long InputTokens, long OutputTokens);

/// <summary>One answer with what supports it and what it cost; also the data of the stream's <c>done</c> event.</summary>
/// <param name="Model">The model that wrote it, or <c>extractive</c>.</param>
/// <param name="Extractive">True when no LLM was used: the answer is sentences copied from the top chunks.</param>
/// <param name="Retrieved">The chunk ids retrieved for the answer, in rank order (empty for modes without retrieval).</param>
/// <param name="Warnings">E.g. citation markers that pointed at nothing retrieved and were dropped.</param>
/// <param name="Details">What only some modes report: the agent's searches, the long-context prefix.</param>
public sealed record AskResponse(
    string Answer,
    string Mode,
    string Model,
    bool Extractive,
    IReadOnlyList<AskCitation> Citations,
    bool Cached,
    AskTimings Timings,
    AskUsage Usage,
    string? Retriever = null,
    IReadOnlyList<string>? Retrieved = null,
    IReadOnlyList<string>? Warnings = null,
    AskDetails? Details = null);

/// <summary>Facts only some modes report about an answer.</summary>
/// <param name="Searches">How many searches the <c>agent</c> mode made.</param>
/// <param name="SearchQueries">What it searched for, in order.</param>
/// <param name="PrefixTokens">The estimated size, in tokens, of the <c>longcontext</c> mode's fixed prefix (the whole collection).</param>
/// <param name="FirstWithPrefix">True when the model had to read that prefix (the first question on it); false when it could reuse its cache.</param>
public sealed record AskDetails(int? Searches = null, IReadOnlyList<string>? SearchQueries = null, int? PrefixTokens = null, bool? FirstWithPrefix = null);

/// <summary>An answering mode, from <c>GET /api/modes</c>.</summary>
/// <param name="Available">Whether it can answer on the collection asked about right now.</param>
/// <param name="Reason">Why not (or a note, e.g. extractive answers); null when there is nothing to say.</param>
public sealed record AnswerMode(string Name, string Description, bool UsesRetrieval, bool Available = true, string? Reason = null);
