using RagLab.Cli.Backends;
using Spectre.Console;
using RagLab.Contracts;

namespace RagLab.Cli.Output;

/// <summary>One poll of long work: how far it is, whether it is over, and what it is doing now.</summary>
public sealed record ProgressSnapshot(double Done, double Total, bool Finished, string? Message = null);

/// <summary>A Spectre progress bar (on stderr, so stdout keeps only results) fed by polling the lab until the work is finished.</summary>
public sealed class ProgressWatcher(IAnsiConsole console, TimeSpan pollInterval)
{
    public async Task FollowAsync(string description, Func<CancellationToken, Task<ProgressSnapshot>> poll, CancellationToken cancellationToken)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            await FollowPlainAsync(description, poll, cancellationToken);
            return;
        }
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask(Markup.Escape(description), maxValue: 1);
                while (true)
                {
                    var snapshot = await poll(cancellationToken);
                    task.MaxValue = Math.Max(snapshot.Total, 1e-9);
                    task.Value = Math.Min(snapshot.Done, task.MaxValue);
                    task.Description = Markup.Escape(snapshot.Message is { Length: > 0 } message ? $"{description}: {message}" : description);
                    if (snapshot.Finished)
                    {
                        task.Value = task.MaxValue;
                        task.StopTask();
                        return;
                    }
                    await Task.Delay(pollInterval, cancellationToken);
                }
            });
    }

    /// <summary>Redirected output gets a line per 10% step instead of a live bar, so logs stay readable.</summary>
    private async Task FollowPlainAsync(string description, Func<CancellationToken, Task<ProgressSnapshot>> poll, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var lastStep = -1;
        while (true)
        {
            var snapshot = await poll(cancellationToken);
            // Finished is a step of its own: a job can report 100% a moment before it is marked finished.
            var step = snapshot.Finished ? 11 : (int)Math.Floor(10 * Math.Clamp(snapshot.Total <= 0 ? 0 : snapshot.Done / snapshot.Total, 0, 1));
            if (step != lastStep)
            {
                lastStep = step;
                var detail = snapshot.Message is { Length: > 0 } message ? $" ({message})" : "";
                console.WriteLine(snapshot.Finished
                    ? $"{description}: done in {started.Elapsed.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s{detail}"
                    : $"{description}: {step * 10}%{detail}");
            }
            if (snapshot.Finished) return;
            await Task.Delay(pollInterval, cancellationToken);
        }
    }

    /// <summary>Waits until every job has succeeded or failed; returns the last view of each (null if it vanished).</summary>
    public async Task<IReadOnlyDictionary<string, JobResponse?>> WaitForJobsAsync(ILabClient lab, IReadOnlyCollection<string> jobIds, string description, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<string, JobResponse?>(StringComparer.Ordinal);
        if (jobIds.Count == 0) return latest;
        var pending = new HashSet<string>(jobIds, StringComparer.Ordinal);
        await FollowAsync(description, async ct =>
        {
            // Only unfinished jobs are asked for again: finished ones do not change.
            foreach (var id in pending.ToArray())
            {
                var job = await lab.GetJobAsync(id, ct);
                latest[id] = job;
                if (job is null || job.IsFinished) pending.Remove(id);
            }
            var done = latest.Values.Sum(j => j is null || j.IsFinished ? 1 : j.Progress);
            var message = jobIds.Count == 1 ? latest.Values.Single()?.Message : $"{jobIds.Count - pending.Count} of {jobIds.Count} done";
            return new ProgressSnapshot(done, jobIds.Count, pending.Count == 0, message);
        }, cancellationToken);
        return latest;
    }
}
