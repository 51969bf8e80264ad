using RagLab.Core.Evaluation.Reports;
using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Generation;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;
using RagLab.Contracts;
using AskRequest = RagLab.Contracts.AskRequest;
using Questionnaire = RagLab.Contracts.Questionnaire;

namespace RagLab.Cli.Backends;

/// <summary>
/// What the commands need from a lab, whichever way it is reached: <see cref="LocalLabClient"/> runs RagLab in this
/// process on the shared data directory; <see cref="HttpLabClient"/> calls a running Api.
/// Errors a user can fix surface as <see cref="ValidationException"/>, <see cref="NotFoundException"/> or
/// <see cref="DependencyUnavailableException"/> with the lab's own message.
/// </summary>
public interface ILabClient : IAsyncDisposable
{
    /// <summary>Where the lab is, for messages: the data directory or the Api's address.</summary>
    string Location { get; }

    /// <summary>Submits one file for indexing. A file the lab refuses (type, size) comes back with <see cref="IngestedFile.Error"/> set.</summary>
    Task<IngestedFile> SubmitFileAsync(string path, string? collection, CancellationToken cancellationToken);

    Task<JobResponse?> GetJobAsync(string jobId, CancellationToken cancellationToken);

    Task<IReadOnlyList<DocumentResponse>> ListDocumentsAsync(string? collection, CancellationToken cancellationToken);

    /// <exception cref="NotFoundException">No such document.</exception>
    Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken);

    Task<SearchResponse> SearchAsync(string query, string? retriever, int? topK, string? collection, CancellationToken cancellationToken);

    /// <summary>The registered answering mode names.</summary>
    Task<IReadOnlyList<string>> GetModesAsync(CancellationToken cancellationToken);

    /// <param name="bypassCache">Answer afresh even if the answer cache holds this question.</param>
    Task<AskResponse> AskAsync(AskRequest request, bool bypassCache, CancellationToken cancellationToken);

    /// <summary><see cref="AskTokenEvent"/>s, then one <see cref="AskDoneEvent"/>.</summary>
    IAsyncEnumerable<AskStreamEvent> AskStreamingAsync(AskRequest request, bool bypassCache, CancellationToken cancellationToken);

    Task<StatusResponse> GetStatusAsync(CancellationToken cancellationToken);

    /// <summary>Imports a JSONL eval set (one question per line).</summary>
    Task<EvalSet> ImportEvalSetAsync(string path, string name, string? collection, CancellationToken cancellationToken);

    /// <summary>Imports a BEIR folder: the corpus is queued for indexing, the queries with qrels become an eval set.</summary>
    Task<BeirImportView> ImportBeirAsync(string directory, string? collection, string split, CancellationToken cancellationToken);

    Task<IReadOnlyList<EvalSet>> ListEvalSetsAsync(string? collection, CancellationToken cancellationToken);

    Task<EvalRunStarted> StartEvalRunAsync(EvalRunRequest request, CancellationToken cancellationToken);

    Task<EvalRunView?> GetEvalRunAsync(string runId, CancellationToken cancellationToken);

    /// <summary>The run's per-question retrieval records (ranked documents and scores), every retriever.</summary>
    Task<IReadOnlyList<EvalRetrievalRecord>> GetEvalRetrievalsAsync(string runId, CancellationToken cancellationToken);

    Task<IReadOnlyList<EvalRunView>> ListEvalRunsAsync(string? setId, CancellationToken cancellationToken);

    /// <summary>The decision report of a completed run, as Markdown or JSON text.</summary>
    Task<string> GetReportAsync(string runId, Questionnaire questionnaire, ReportFormat format, CancellationToken cancellationToken);
}
