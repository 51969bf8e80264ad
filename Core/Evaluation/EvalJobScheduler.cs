using System.Text.Json;
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
public sealed class EvalJobScheduler(IJobStore jobs, IJobQueue queue, IQuestionAnswerer answerer, IModelProvider models)
{
    /// <exception cref="ValidationException">A missing field, a bad collection or document name, or an unknown mode.</exception>
    public async Task<JobRecord> StartFreshnessProbeAsync(FreshnessProbeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        CollectionName.Normalize(request.Collection);
        DocumentName.Normalize(request.DocumentName);
        var unknown = request.Modes?.FirstOrDefault(m => !answerer.Modes.Contains(m.Trim(), StringComparer.OrdinalIgnoreCase));
        if (unknown is not null)
            throw new ValidationException($"Unknown mode '{unknown}'. Use one of: {string.Join(", ", answerer.Modes)}.");
        return await EnqueueAsync(FreshnessProbeJobHandler.JobKind, JsonSerializer.Serialize(request, FreshnessProbeJobHandler.Json), cancellationToken);
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
        return await EnqueueAsync(EvalSetGenerationJobHandler.JobKind, JsonSerializer.Serialize(request, EvalSetGenerationJobHandler.Json), cancellationToken);
    }

    private async Task<JobRecord> EnqueueAsync(string kind, string payload, CancellationToken cancellationToken)
    {
        var job = await jobs.CreateAsync(kind, payload, cancellationToken);
        try
        {
            await queue.EnqueueAsync(job.Id, job.Kind, cancellationToken);
        }
        catch (Exception ex)
        {
            // The queue refused it (e.g. Redis down): do not leave a job that nothing will ever run.
            await jobs.FailAsync(job.Id, ex.Message, CancellationToken.None);
            throw;
        }
        return job;
    }
}
