using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Generation;
using RagLab.Core.Ingestion;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation;

/// <summary>
/// Checks and queues the evaluation work that runs as jobs besides eval runs (see <see cref="EvalRunScheduler"/>):
/// freshness probes and eval-set generation. Everything a user can get wrong is refused here, before a job exists.
/// </summary>
public sealed class EvalJobScheduler(IJobStore jobs, IJobQueue queue, IQuestionAnswerer answerer, IModelProvider models, IEvalStore store)
{
    /// <exception cref="ValidationException">A missing field, a bad collection or document name, an unknown mode, or a run that has not
    /// completed or is on another collection.</exception>
    /// <exception cref="NotFoundException">The run does not exist.</exception>
    public async Task<JobRecord> StartFreshnessProbeAsync(FreshnessProbeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        CollectionName.Normalize(request.Collection);
        DocumentName.Normalize(request.DocumentName);
        if (request.RunId is { Length: > 0 } runId) request = await ForRunAsync(request, runId, cancellationToken);
        var unknown = request.Modes?.FirstOrDefault(m => !answerer.Modes.Contains(m.Trim(), StringComparer.OrdinalIgnoreCase));
        if (unknown is not null)
            throw new ValidationException($"Unknown mode '{unknown}'. Use one of: {string.Join(", ", answerer.Modes)}.");
        return await EnqueueAsync(request, cancellationToken);
    }

    /// <summary>
    /// A probe for a run: after the run has completed (the changed document must not reach its answers), on the run's collection,
    /// and by default on the run's modes.
    /// </summary>
    private async Task<FreshnessProbeRequest> ForRunAsync(FreshnessProbeRequest request, string runId, CancellationToken cancellationToken)
    {
        var run = await store.GetRunAsync(runId, cancellationToken)
            ?? throw new NotFoundException($"No eval run with id '{runId}'. List runs with GET /api/evalruns.");
        if (run.Status != EvalRunStatus.Completed)
            throw new ValidationException($"Run '{runId}' is {run.Status.ToString().ToLowerInvariant()}: probe freshness once it has completed, so the changed document does not reach its answers.");
        var set = await store.GetSetAsync(run.SetId, cancellationToken)
            ?? throw new NotFoundException($"Run '{runId}' is of eval set '{run.SetId}', which no longer exists.");
        if (request.Collection is { Length: > 0 } collection && collection != set.Collection)
            throw new ValidationException($"Run '{runId}' measured collection '{set.Collection}', not '{collection}': probe the collection the run measured (or leave collection out).");
        return request with { Collection = set.Collection, Modes = request.Modes is { Count: > 0 } ? request.Modes : run.Request.Modes };
    }

    /// <exception cref="ValidationException">Bad request values.</exception>
    /// <exception cref="DependencyUnavailableException">No chat model is connected to write the questions.</exception>
    public async Task<JobRecord> StartGenerationAsync(EvalSetGenerationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        EvalSetGenerator.Validate(request);
        if (await models.GetChatClientAsync(cancellationToken) is null)
        {
            var status = await models.GetStatusAsync(cancellationToken);
            throw new DependencyUnavailableException(EvalSetGenerator.NoModelMessage + (status.Error is null ? "" : $" ({status.Error})"));
        }
        return await EnqueueAsync(request, cancellationToken);
    }

    private async Task<JobRecord> EnqueueAsync<TPayload>(TPayload payload, CancellationToken cancellationToken) where TPayload : IJobPayload
    {
        var job = await jobs.CreateAsync(payload, cancellationToken);
        await queue.EnqueueOrFailAsync(jobs, job, cancellationToken);
        return job;
    }
}
