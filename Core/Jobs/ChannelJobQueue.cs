using System.Threading.Channels;

namespace RagLab.Core.Jobs;

/// <summary>
/// The embedded queue: an in-process channel. Durability comes from <see cref="IJobStore"/>: at start,
/// <c>JobProcessor</c> re-enqueues every unfinished job, so nothing is lost on a restart.
/// </summary>
public sealed class ChannelJobQueue : IJobQueue
{
    private readonly Channel<JobLease> _channel = Channel.CreateUnbounded<JobLease>(new UnboundedChannelOptions { SingleReader = false });

    public bool IsDurable => false;

    public Task EnqueueAsync(string jobId, string kind, CancellationToken cancellationToken) =>
        _channel.Writer.WriteAsync(new JobLease(jobId, kind, jobId), cancellationToken).AsTask();

    public async Task<JobLease> DequeueAsync(CancellationToken cancellationToken) =>
        await _channel.Reader.ReadAsync(cancellationToken);

    public Task AcknowledgeAsync(JobLease lease, CancellationToken cancellationToken) => Task.CompletedTask;
}
