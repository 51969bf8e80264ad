namespace RagLab.Core.Kernel;

/// <summary>A question for one answering mode.</summary>
/// <param name="Mode">A registered mode name (<see cref="AnswerModeNames"/>); null means <c>rag</c>.</param>
/// <param name="Retriever"><c>bm25</c>, <c>dense</c> or <c>hybrid</c>; null means the default for what is connected.</param>
public sealed record AskRequest(
    string Question,
    string? Mode = null,
    int? TopK = null,
    string? Retriever = null,
    string? Collection = null,
    bool NoCache = false)
{
    /// <summary>Whose view the answer is built from: retrieval, the long-context prefix and the agent's searches see only it. Everything by default.</summary>
    public ReaderScope Scope { get; init; } = ReaderScope.Everything;
}

/// <summary>A chunk an answer cites, and the text from it that supports the answer.</summary>
public sealed record Citation(string ChunkId, string DocumentId, string DocumentName, string Quote);

public sealed record AnswerTimings(double RetrievalMs, double GenerationMs, double TotalMs, double? TimeToFirstTokenMs = null);

public sealed record TokenUsage(long InputTokens, long OutputTokens);

/// <summary>One answer, with what supports it and what it cost.</summary>
/// <param name="Model">The model that wrote it, or <c>extractive</c>.</param>
/// <param name="Extractive">True when no LLM was used: the answer is sentences copied from the top chunks.</param>
/// <param name="Retrieved">The chunk ids retrieved for the answer, in rank order (empty for modes without retrieval).</param>
/// <param name="Warnings">E.g. citation markers that pointed at nothing retrieved and were dropped.</param>
/// <param name="Details">What the mode did beyond the common fields (searches an agent made, a long-context prefix), or null.</param>
public sealed record AnswerResult(
    string Answer,
    string Mode,
    string Model,
    bool Extractive,
    IReadOnlyList<Citation> Citations,
    bool Cached,
    AnswerTimings Timings,
    TokenUsage Usage,
    string? Retriever = null,
    IReadOnlyList<string>? Retrieved = null,
    IReadOnlyList<string>? Warnings = null,
    AnswerDetails? Details = null);

/// <summary>Facts only some modes have about how they answered.</summary>
/// <param name="Searches">How many searches the <c>agent</c> mode made (0 when it answered without searching).</param>
/// <param name="SearchQueries">The queries it searched for, in order.</param>
/// <param name="PrefixTokens">The estimated size of the <c>longcontext</c> mode's fixed prefix (the whole collection), in tokens.</param>
/// <param name="FirstWithPrefix">True when this was the first question sent with that prefix (since the lab started, or since the model
/// was last kept loaded): the model had to read the whole prefix. False when the model could reuse its cache of it.</param>
public sealed record AnswerDetails(
    int? Searches = null,
    IReadOnlyList<string>? SearchQueries = null,
    int? PrefixTokens = null,
    bool? FirstWithPrefix = null);

/// <summary>What a streaming answer yields: text as it is generated, then the whole result once.</summary>
public abstract record AnswerEvent
{
    public sealed record Token(string Text) : AnswerEvent;
    public sealed record Completed(AnswerResult Result) : AnswerEvent;
}

/// <summary>Names of the answering modes. Later modes register more; each is a column in an eval run.</summary>
public static class AnswerModeNames
{
    public const string Base = "base";
    public const string Rag = "rag";

    /// <summary>The base model with the collection's own system prompt and few-shot examples, no retrieval.</summary>
    public const string Prompt = "prompt";

    /// <summary>The whole collection in a fixed prefix of the prompt (cache-augmented generation), no retrieval.</summary>
    public const string LongContext = "longcontext";

    /// <summary>The model searches the documents itself, through a tool, as often as it decides to.</summary>
    public const string Agent = "agent";
}
