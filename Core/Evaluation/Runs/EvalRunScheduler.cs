using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Runs;

/// <summary>Creates a run and queues the <c>eval-run</c> job that executes it (payload: <see cref="EvalRunJobPayload"/>).</summary>
public sealed class EvalRunScheduler(IEvalStore store, IJobStore jobs, IJobQueue queue)
{
    /// <exception cref="ValidationException">A bad request.</exception>
    /// <exception cref="NotFoundException">The set does not exist.</exception>
    public async Task<EvalRun> StartAsync(EvalRunRequest request, CancellationToken cancellationToken)
    {
        var run = await store.CreateRunAsync(request, cancellationToken);
        var job = await jobs.CreateAsync(new EvalRunJobPayload(run.Id), cancellationToken);
        await store.SetRunJobAsync(run.Id, job.Id, cancellationToken);
        // Refused by the queue: the run fails with its job rather than never starting.
        await queue.EnqueueOrFailAsync(jobs, job, cancellationToken,
            ex => store.UpdateRunAsync(run.Id, EvalRunStatus.Failed, ex.Message, null, CancellationToken.None));
        return run with { JobId = job.Id };
    }
}

/// <summary>What an <c>eval-run</c> job runs: the stored run <paramref name="RunId"/>.</summary>
public sealed record EvalRunJobPayload(string RunId) : IJobPayload
{
    public static string Kind => EvalRunner.JobKind;
}
