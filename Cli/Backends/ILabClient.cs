using RagLab.Contracts;

namespace RagLab.Cli.Backends;

/// <summary>
/// What the commands need from a lab, whichever way it is reached, in the Api's contract types: <see cref="LocalLabClient"/>
/// runs RagLab in this process on the shared data directory and maps Core's records to the contract;
/// <see cref="HttpLabClient"/> calls a running Api and reads its responses.
/// Errors a user can fix surface with the lab's own message: in-process as Core's <c>ValidationException</c>,
/// <c>NotFoundException</c> or <c>DependencyUnavailableException</c>, over HTTP as <see cref="LabApiException"/>.
/// </summary>
public interface ILabClient : IAsyncDisposable
{
    /// <summary>Where the lab is, for messages: the data directory or the Api's address.</summary>
    string Location { get; }

    /// <summary>Submits one file for indexing. A file the lab refuses (type, size) comes back with <see cref="IngestedFile.Error"/> set.</summary>
    Task<IngestedFile> SubmitFileAsync(string path, string? collection, CancellationToken cancellationToken);

    Task<JobResponse?> GetJobAsync(string jobId, CancellationToken cancellationToken);

    Task<IReadOnlyList<DocumentResponse>> ListDocumentsAsync(string? collection, CancellationToken cancellationToken);

    /// <summary>Deletes a document; an unknown id is an error.</summary>
    Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken);

    Task<SearchResponse> SearchAsync(string query, string? retriever, int? topK, string? collection, CancellationToken cancellationToken);

    /// <summary>The registered answering mode names.</summary>
    Task<IReadOnlyList<string>> GetModesAsync(CancellationToken cancellationToken);

    /// <param name="bypassCache">Answer afresh even if the answer cache holds this question.</param>
    Task<AskResponse> AskAsync(AskRequest request, bool bypassCache, CancellationToken cancellationToken);

    /// <summary><see cref="AskTokenEvent"/>s, then one <see cref="AskDoneEvent"/>.</summary>
    IAsyncEnumerable<AskStreamEvent> AskStreamingAsync(AskRequest request, bool bypassCache, CancellationToken cancellationToken);

    Task<StatusResponse> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>Starts re-embedding a collection with the configured embedding model (or finds the re-embed already running); follow it with <see cref="GetJobAsync"/>.</summary>
    Task<JobAccepted> StartReembedAsync(string collection, CancellationToken cancellationToken);

    /// <summary>Imports a JSONL eval set (one question per line).</summary>
    Task<EvalSetResponse> ImportEvalSetAsync(string path, string name, string? collection, CancellationToken cancellationToken);

    /// <summary>Imports a BEIR folder: the corpus is queued for indexing, the queries with qrels become an eval set.</summary>
    /// <param name="collection">The collection for the corpus (the command names it after the folder when the user gives none).</param>
    Task<BeirImportResponse> ImportBeirAsync(string directory, string collection, string split, CancellationToken cancellationToken);

    Task<IReadOnlyList<EvalSetResponse>> ListEvalSetsAsync(string? collection, CancellationToken cancellationToken);

    /// <summary>Starts a run; omitted settings take the lab's defaults, and invalid ones are refused with the lab's message.</summary>
    Task<EvalRunAccepted> StartEvalRunAsync(StartEvalRunRequest request, CancellationToken cancellationToken);

    /// <summary>One run, with its summary once completed; null when there is no such run.</summary>
    Task<EvalRunResponse?> GetEvalRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The run's per-question retrievals (ranked documents and scores), every retriever.</summary>
    Task<IReadOnlyList<EvalRetrievalResult>> GetEvalRetrievalsAsync(string runId, CancellationToken cancellationToken);

    /// <summary>Runs newest first, without their summaries (as the Api lists them).</summary>
    Task<IReadOnlyList<EvalRunResponse>> ListEvalRunsAsync(string? setId, CancellationToken cancellationToken);

    /// <summary>The decision report of a completed run.</summary>
    Task<DecisionReport> GetReportAsync(string runId, Questionnaire questionnaire, CancellationToken cancellationToken);

    /// <summary>The decision report of a completed run as the lab renders it in Markdown.</summary>
    Task<string> GetReportMarkdownAsync(string runId, Questionnaire questionnaire, CancellationToken cancellationToken);
}
