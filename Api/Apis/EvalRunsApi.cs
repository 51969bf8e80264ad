using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using RagLab.Api.Infrastructure;
using RagLab.Core.Evaluation;
using RagLab.Core.Evaluation.Reports;
using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;
using RagLab.Contracts;
using EvalRunStatus = RagLab.Core.Evaluation.Runs.EvalRunStatus;
using FreshnessProbeRequest = RagLab.Contracts.FreshnessProbeRequest;

namespace RagLab.Api.Apis;

public static class EvalRunsApi
{
    public static IEndpointRouteBuilder MapEvalRunsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/evalruns").WithTags("Eval runs").RequireReader();
        api.MapPost("/", StartAsync).RequireWriter()
            .WithSummary("Run every question of a set through each mode (and each retriever, for modes that retrieve), as a job, " +
                "over the documents the caller may read (the run records that view).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/", ListAsync).WithSummary("Eval runs, newest first, optionally of one set (without their summaries).");
        api.MapGet("/{id}", GetAsync).WithSummary("One run: status, progress (0 to 1) and, once completed, the summary per mode and retriever.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/results", ResultsAsync)
            .WithSummary("Per-question records: each mode's answer, citations, retrieved documents, metrics, timings and outcome; filter with ?outcome=retrieval-miss|generation-miss|correct|abstained-correctly|n/a and ?mode=.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id}/report", ReportAsync)
            .WithSummary("The decision report (RAG, fine-tuning, both or prompting only) for a completed run and the questionnaire in the body; ?format=json (default) or md.")
            .Accepts<Contracts.Questionnaire>("application/json")
            .Produces<Contracts.DecisionReport>(StatusCodes.Status200OK, "application/json")
            .AddOpenApiOperationTransformer(AddMarkdownReport)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/{id}", DeleteAsync).RequireWriter().WithSummary("Delete a run with its results.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/freshness", StartFreshnessAsync).RequireWriter()
            .WithSummary("Freshness probe, as a job: submit a changed document, then re-ask a question in each mode until the new answer shows up or the timeout passes.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/freshness/{jobId}", GetFreshnessAsync)
            .WithSummary("A freshness probe's job status and, once it has finished, its report: which modes picked the change up, and after how long.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>
    /// The 200 of the report is JSON or Markdown. ASP.NET Core 10 keeps one Produces per status code (the last), so a
    /// second Produces would replace the JSON schema; the Markdown alternative is added to the described response instead.
    /// </summary>
    private static Task AddMarkdownReport(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.Responses?.TryGetValue(StatusCodes.Status200OK.ToString(CultureInfo.InvariantCulture), out var ok) == true && ok.Content is { } content)
            content["text/markdown"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
        return Task.CompletedTask;
    }

    private static async Task<Accepted<EvalRunAccepted>> StartAsync(StartEvalRunRequest body, EvalRunPreflight preflight, EvalRunScheduler scheduler,
        HttpContext context, CancellationToken cancellationToken)
    {
        // The run measures its starter's view, whoever runs the job later.
        var request = body.ToDomain() with { ReaderGroups = context.ReaderScope().ToGroupList() };
        await preflight.CheckAsync(request, cancellationToken);
        var run = await scheduler.StartAsync(request, cancellationToken);
        return TypedResults.Accepted($"/api/evalruns/{run.Id}", new EvalRunAccepted(run.Id, run.JobId!));
    }

    private static async Task<Ok<List<EvalRunResponse>>> ListAsync(string? setId, IEvalStore store, IJobStore jobs, HttpContext context, CancellationToken cancellationToken)
    {
        var scope = context.ReaderScope();
        var runs = (await store.ListRunsAsync(string.IsNullOrEmpty(setId) ? null : setId, cancellationToken)).Where(r => scope.Covers(r.Request.Scope)).ToList();
        var responses = new List<EvalRunResponse>(runs.Count);
        foreach (var run in runs) responses.Add(await ToResponseAsync(run with { Summary = null }, jobs, cancellationToken));
        return TypedResults.Ok(responses);
    }

    private static async Task<Ok<EvalRunResponse>> GetAsync(string id, IEvalStore store, IJobStore jobs, HttpContext context, CancellationToken cancellationToken) =>
        TypedResults.Ok(await ToResponseAsync(await FindRunAsync(id, store, context, cancellationToken), jobs, cancellationToken));

    private static async Task<Ok<List<EvalQuestionResult>>> ResultsAsync(string id, string? outcome, string? mode, IEvalStore store, HttpContext context, CancellationToken cancellationToken)
    {
        if (outcome is not null && !EvalOutcome.All.Contains(outcome, StringComparer.OrdinalIgnoreCase))
            throw new ValidationException($"Unknown outcome '{outcome}'. Use one of: {string.Join(", ", EvalOutcome.All)}.");
        var run = await FindRunAsync(id, store, context, cancellationToken);
        var items = await store.GetItemsAsync(run.SetId, cancellationToken);
        var answers = (await store.GetAnswersAsync(run.Id, cancellationToken))
            .Where(a => outcome is null || string.Equals(a.Outcome, outcome, StringComparison.OrdinalIgnoreCase))
            .Where(a => string.IsNullOrEmpty(mode) || string.Equals(a.Mode, mode, StringComparison.OrdinalIgnoreCase))
            .ToLookup(a => a.ItemId, StringComparer.Ordinal);
        var retrievals = (await store.GetRetrievalsAsync(run.Id, cancellationToken)).ToLookup(r => r.ItemId, StringComparer.Ordinal);
        var filtered = outcome is not null || !string.IsNullOrEmpty(mode);

        var results = new List<EvalQuestionResult>(items.Count);
        foreach (var item in items)
        {
            // Answers in the order the run asked for the modes, then by retriever.
            var ofItem = answers[item.Id]
                .OrderBy(a => IndexOf(run.Request.Modes, a.Mode))
                .ThenBy(a => a.Retriever, StringComparer.Ordinal)
                .ToArray();
            if (filtered && ofItem.Length == 0) continue;
            results.Add(new EvalQuestionResult(item.Id, item.Question, item.Answer, item.Unanswerable, item.RelevantDocuments,
                [.. ofItem.Select(a => a.ToContract())],
                [.. retrievals[item.Id].OrderBy(r => r.Retriever, StringComparer.Ordinal).Select(r => r.ToContract())]));
        }
        return TypedResults.Ok(results);
    }

    private static async Task<Results<Ok<Contracts.DecisionReport>, ContentHttpResult, ProblemHttpResult>> ReportAsync(
        string id, string? format, Contracts.Questionnaire? questionnaire, IEvalStore store, HttpContext context, CancellationToken cancellationToken)
    {
        var markdown = format?.Trim().ToLowerInvariant() switch
        {
            null or "" or "json" => false,
            "md" or "markdown" => true,
            _ => throw new ValidationException($"Unknown report format '{format}'. Use 'json' or 'md'."),
        };
        var run = await FindRunAsync(id, store, context, cancellationToken);
        if (run.Status != EvalRunStatus.Completed || run.Summary is null)
            return NotFinished(run, "A report needs a completed run");

        var report = DecisionEngine.Decide(run.Summary, (questionnaire ?? new Contracts.Questionnaire()).ToDomain());
        return markdown
            ? TypedResults.Text(DecisionReportExport.ToMarkdown(report), "text/markdown; charset=utf-8")
            : TypedResults.Ok(report.ToContract());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IEvalStore store, HttpContext context, CancellationToken cancellationToken)
    {
        var run = await FindRunAsync(id, store, context, cancellationToken);
        // A running job would keep writing results for a run that no longer exists.
        if (run.Status == EvalRunStatus.Running) return NotFinished(run, "A running run cannot be deleted");
        return await store.DeleteRunAsync(id, cancellationToken) ? TypedResults.NoContent() : throw UnknownRun(id);
    }

    private static async Task<Accepted<JobAccepted>> StartFreshnessAsync(FreshnessProbeRequest request, EvalJobScheduler scheduler, HttpContext context, CancellationToken cancellationToken)
    {
        // The probe's answers (shown in its report) come from its starter's view only.
        var job = await scheduler.StartFreshnessProbeAsync(request.ToDomain() with { ReaderGroups = context.ReaderScope().ToGroupList() }, cancellationToken);
        return TypedResults.Accepted($"/api/evalruns/freshness/{job.Id}", new JobAccepted(job.Id));
    }

    private static async Task<Ok<FreshnessProbeStatus>> GetFreshnessAsync(string jobId, IJobStore jobs, IEvalStore store, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(jobId, cancellationToken);
        if (job is null || job.Kind != FreshnessProbeJobHandler.JobKind)
            throw new NotFoundException($"No freshness probe with job id '{jobId}'. Start one with POST /api/evalruns/freshness.");
        var report = await store.GetFreshnessReportAsync(jobId, cancellationToken);
        return TypedResults.Ok(new FreshnessProbeStatus(job.Id, job.Status.ToContract(), job.Progress, job.Message, job.Error, report?.ToContract()));
    }

    /// <summary>
    /// The run, if the caller may see what it measured: their view covers the run's (a run's answers and metrics are built from the
    /// documents of its view). Any other run is answered as one that does not exist.
    /// </summary>
    private static async Task<EvalRun> FindRunAsync(string id, IEvalStore store, HttpContext context, CancellationToken cancellationToken) =>
        await store.GetRunAsync(id, cancellationToken) is { } run && context.ReaderScope().Covers(run.Request.Scope) ? run : throw UnknownRun(id);

    private static NotFoundException UnknownRun(string id) =>
        new($"No eval run with id '{id}'. List runs with GET /api/evalruns.");

    private static ProblemHttpResult NotFinished(EvalRun run, string what) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "Run not completed",
            detail: run.Status == EvalRunStatus.Failed
                ? $"{what}; run '{run.Id}' failed: {run.Error} Start a new run once the cause is fixed."
                : $"{what}; run '{run.Id}' is {run.Status.ToString().ToLowerInvariant()}. Poll GET /api/evalruns/{run.Id} until its status is completed.");

    private static async Task<EvalRunResponse> ToResponseAsync(EvalRun run, IJobStore jobs, CancellationToken cancellationToken)
    {
        var job = run.JobId is null ? null : await jobs.GetAsync(run.JobId, cancellationToken);
        return run.ToContract(job);
    }

    private static int IndexOf(IReadOnlyList<string> modes, string mode)
    {
        for (var i = 0; i < modes.Count; i++)
            if (string.Equals(modes[i], mode, StringComparison.OrdinalIgnoreCase)) return i;
        return modes.Count;
    }
}
