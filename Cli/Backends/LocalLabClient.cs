using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Infrastructure;
using RagLab.Core.Evaluation.Beir;
using RagLab.Core.Evaluation.Reports;
using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Generation;
using RagLab.Core.Ingestion;
using RagLab.Core.Jobs;
using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.Hosting;
using RagLab.Infrastructure.ContractMapping;
using RagLab.Contracts;
using AskRequest = RagLab.Contracts.AskRequest;
using DecisionReport = RagLab.Contracts.DecisionReport;
using EvalRunStatus = RagLab.Core.Evaluation.Runs.EvalRunStatus;
using EvalSetSource = RagLab.Core.Evaluation.Sets.EvalSetSource;
using Questionnaire = RagLab.Contracts.Questionnaire;

namespace RagLab.Cli.Backends;

/// <summary>
/// RagLab in this process: a generic host with <see cref="RagLabHostingExtensions.AddRagLab"/> on the same data directory
/// as the Api, with the job processor running here so ingest and eval jobs finish while the command waits.
/// Interrupted jobs stay queued in the database and resume at the next start (of raglab or the Api).
/// It hands the commands the Api's contract types, through the same Core-to-contract mappings as the Api.
/// </summary>
public sealed class LocalLabClient : ILabClient
{
    private readonly IHost _host;
    private readonly IServiceProvider _services;

    private LocalLabClient(IHost host, string dataDirectory)
    {
        _host = host;
        _services = host.Services;
        Location = dataDirectory;
    }

    public string Location { get; }

    /// <param name="dataDirectory">Overrides <c>RagLab:DataDirectory</c> (default <c>./.raglab</c>, as for the Api).</param>
    /// <param name="settings">Extra configuration, applied over the environment (<c>RagLab__…</c>, <c>ConnectionStrings__…</c>).</param>
    public static async Task<LocalLabClient> StartAsync(string? dataDirectory, IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(settings);
        if (!string.IsNullOrWhiteSpace(dataDirectory)) builder.Configuration[$"{RagLabOptions.Section}:DataDirectory"] = dataDirectory;
        // The command waits for its jobs, so this process must run them whatever the environment says.
        builder.Configuration[$"{RagLabOptions.Section}:Jobs:RunInProcess"] = "true";
        // Log lines would interleave with tables and progress bars; the commands report what matters.
        builder.Logging.ClearProviders();

        builder.AddRagLab();

        var host = builder.Build();
        try
        {
            await host.Services.GetRequiredService<IEvalStore>().EnsureSchemaAsync(cancellationToken);
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        var options = host.Services.GetRequiredService<IOptions<RagLabOptions>>().Value;
        return new LocalLabClient(host, Path.GetFullPath(options.DataDirectory));
    }

    private T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public async Task<IngestedFile> SubmitFileAsync(string path, string? collection, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        try
        {
            await using var stream = File.OpenRead(path);
            var receipt = await Get<IIngestionService>().SubmitAsync(collection, name, stream, cancellationToken);
            return new IngestedFile(path, receipt.Name, receipt.DocumentId, receipt.Collection, Lower(receipt.Status), receipt.JobId);
        }
        catch (Exception ex) when (ex is ValidationException or DocumentParseException)
        {
            return new IngestedFile(path, name, null, collection, "failed", null, ex.Message);
        }
    }

    public async Task<JobResponse?> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        (await Get<IJobStore>().GetAsync(jobId, cancellationToken))?.ToContract();

    public async Task<IReadOnlyList<DocumentResponse>> ListDocumentsAsync(string? collection, CancellationToken cancellationToken) =>
        [.. (await Get<IDocumentStore>().ListAsync(string.IsNullOrEmpty(collection) ? null : CollectionName.Normalize(collection), cancellationToken))
            .Select(d => d.ToContract())];

    public async Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        if (!await Get<IIngestionService>().DeleteAsync(documentId, cancellationToken))
            throw new NotFoundException($"No document with id '{documentId}'. List documents with `raglab docs list`.");
    }

    public async Task<SearchResponse> SearchAsync(string query, string? retriever, int? topK, string? collection, CancellationToken cancellationToken)
    {
        var options = Get<IOptions<RagLabOptions>>().Value;
        var k = topK ?? options.DefaultTopK;
        if (k < 1 || k > options.MaxTopK) throw new ValidationException($"--top-k must be between 1 and {options.MaxTopK}; it was {k}.");
        var collectionName = CollectionName.Normalize(collection);
        var resolved = await Get<IRetrieverCatalog>().ResolveAsync(retriever, collectionName, cancellationToken);
        var stopwatch = Stopwatch.StartNew();
        var hits = await resolved.Retriever.RetrieveAsync(new RetrievalQuery(query, collectionName, k), cancellationToken);
        var elapsed = stopwatch.Elapsed.TotalMilliseconds;
        return new SearchResponse([.. hits.Select(h => h.ToContract())], resolved.Name, new SearchTimings(elapsed), resolved.Warning is { } warning ? [warning] : null);
    }

    public Task<IReadOnlyList<string>> GetModesAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Get<IQuestionAnswerer>().Modes);

    public async Task<AskResponse> AskAsync(AskRequest request, bool bypassCache, CancellationToken cancellationToken) =>
        (await Get<IQuestionAnswerer>().AskAsync(request.ToDomain(noCache: bypassCache), cancellationToken)).ToContract();

    public async IAsyncEnumerable<AskStreamEvent> AskStreamingAsync(AskRequest request, bool bypassCache, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var answerEvent in Get<IQuestionAnswerer>().AskStreamingAsync(request.ToDomain(noCache: bypassCache), cancellationToken))
            yield return answerEvent.ToContract();
    }

    public async Task<StatusResponse> GetStatusAsync(CancellationToken cancellationToken) => (await Get<RagLabStatus>().GetAsync(cancellationToken)).ToContract();

    public async Task<JobAccepted> StartReembedAsync(string collection, CancellationToken cancellationToken) =>
        new((await Get<VectorReembedding>().StartAsync(collection, cancellationToken)).Id);

    public async Task<EvalSetResponse> ImportEvalSetAsync(string path, string name, string? collection, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var items = await JsonlEvalSetReader.ReadAsync(stream, cancellationToken);
        // Imported questions are a test: fine-tuning must not train on them.
        var set = await Get<IEvalStore>().ImportAsync(new EvalSetDraft(name, CollectionName.Normalize(collection), EvalSetSource.Jsonl, HeldOutFromTraining: true, items), cancellationToken);
        return set.ToContract();
    }

    public async Task<BeirImportResponse> ImportBeirAsync(string directory, string collection, string split, CancellationToken cancellationToken) =>
        (await Get<BeirImporter>().ImportAsync(directory, collection, split, progress: null, cancellationToken)).ToContract();

    public async Task<IReadOnlyList<EvalSetResponse>> ListEvalSetsAsync(string? collection, CancellationToken cancellationToken) =>
        [.. (await Get<IEvalStore>().ListSetsAsync(string.IsNullOrEmpty(collection) ? null : CollectionName.Normalize(collection), cancellationToken))
            .Select(set => set.ToContract())];

    public async Task<EvalRunAccepted> StartEvalRunAsync(StartEvalRunRequest request, CancellationToken cancellationToken)
    {
        var domain = request.ToDomain();
        domain.Validate();
        var run = await Get<EvalRunScheduler>().StartAsync(domain, cancellationToken);
        return new EvalRunAccepted(run.Id, run.JobId!);
    }

    public async Task<EvalRunResponse?> GetEvalRunAsync(string runId, CancellationToken cancellationToken) =>
        await Get<IEvalStore>().GetRunAsync(runId, cancellationToken) is { } run ? await ToResponseAsync(run, cancellationToken) : null;

    public async Task<IReadOnlyList<EvalRetrievalResult>> GetEvalRetrievalsAsync(string runId, CancellationToken cancellationToken) =>
        [.. (await Get<IEvalStore>().GetRetrievalsAsync(runId, cancellationToken)).Select(r => r.ToContract())];

    public async Task<IReadOnlyList<EvalRunResponse>> ListEvalRunsAsync(string? setId, CancellationToken cancellationToken)
    {
        var runs = await Get<IEvalStore>().ListRunsAsync(setId, cancellationToken);
        var responses = new List<EvalRunResponse>(runs.Count);
        foreach (var run in runs) responses.Add(await ToResponseAsync(run with { Summary = null }, cancellationToken));
        return responses;
    }

    public async Task<DecisionReport> GetReportAsync(string runId, Questionnaire questionnaire, CancellationToken cancellationToken) =>
        (await DecideAsync(runId, questionnaire, cancellationToken)).ToContract();

    public async Task<string> GetReportMarkdownAsync(string runId, Questionnaire questionnaire, CancellationToken cancellationToken) =>
        DecisionReportExport.ToMarkdown(await DecideAsync(runId, questionnaire, cancellationToken));

    private async Task<RagLab.Core.Evaluation.Reports.DecisionReport> DecideAsync(string runId, Questionnaire questionnaire, CancellationToken cancellationToken)
    {
        var run = await Get<IEvalStore>().GetRunAsync(runId, cancellationToken)
            ?? throw new NotFoundException($"No eval run with id '{runId}'. List runs with `raglab eval runs`.");
        if (run.Status != EvalRunStatus.Completed || run.Summary is null)
            throw new ValidationException($"Eval run '{runId}' is {Lower(run.Status)}{(run.Error is null ? "" : $" ({run.Error})")}; a report needs a completed run.");
        return DecisionEngine.Decide(run.Summary, questionnaire.ToDomain());
    }

    private async Task<EvalRunResponse> ToResponseAsync(EvalRun run, CancellationToken cancellationToken) =>
        run.ToContract(run.JobId is null ? null : await Get<IJobStore>().GetAsync(run.JobId, cancellationToken));

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    public async ValueTask DisposeAsync()
    {
        // Stopping cancels running jobs; they stay unfinished in the database and resume at the next start.
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _host.StopAsync(stopping.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The command's work is done: a service still stopping after the grace period (e.g. the index snapshot on a
            // loaded machine) is skipped, and the next start reads from the database; that is no failure of the command.
        }
        finally
        {
            if (_host is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else _host.Dispose();
        }
    }
}
