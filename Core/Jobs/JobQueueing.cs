namespace RagLab.Core.Jobs;

/// <summary>Hands a created job to the queue without ever leaving one behind that nothing will run.</summary>
public static class JobQueueing
{
    /// <summary>
    /// Queues <paramref name="job"/>. If the queue refuses it (e.g. Redis down), the job is marked failed with the
    /// reason, <paramref name="undo"/> puts back what the caller had changed for it, and the error is rethrown.
    /// </summary>
    public static async Task EnqueueOrFailAsync(this IJobQueue queue, IJobStore jobs, JobRecord job, CancellationToken cancellationToken,
        Func<Exception, Task>? undo = null)
    {
        try
        {
            await queue.EnqueueAsync(job.Id, job.Kind, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await jobs.FailAsync(job.Id, ex.Message, CancellationToken.None).ConfigureAwait(false);
            if (undo is not null) await undo(ex).ConfigureAwait(false);
            throw;
        }
    }
}
