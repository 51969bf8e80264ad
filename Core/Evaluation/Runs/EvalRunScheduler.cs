using System.Text.Json;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Runs;

/// <summary>Creates a run and queues the <c>eval-run</c> job that executes it (payload: the run id as a JSON string).</summary>
public sealed class EvalRunScheduler(IEvalStore store, IJobStore jobs, IJobQueue queue)
{
    /// <exception cref="ValidationException">A bad request.</exception>
    /// <exception cref="NotFoundException">The set does not exist.</exception>
    public async Task<EvalRun> StartAsync(EvalRunRequest request, CancellationToken cancellationToken)
    {
        var run = await store.CreateRunAsync(request, cancellationToken);
        var job = await jobs.CreateAsync(EvalRunner.JobKind, JsonSerializer.Serialize(run.Id), cancellationToken);
        await store.SetRunJobAsync(run.Id, job.Id, cancellationToken);
        try
        {
            await queue.EnqueueAsync(job.Id, job.Kind, cancellationToken);
        }
        catch (Exception ex)
        {
            // The queue refused it (e.g. Redis down): mark both failed rather than leave a run that never starts.
            await jobs.FailAsync(job.Id, ex.Message, CancellationToken.None);
            await store.UpdateRunAsync(run.Id, EvalRunStatus.Failed, ex.Message, null, CancellationToken.None);
            throw;
        }
        return run with { JobId = job.Id };
    }
}
