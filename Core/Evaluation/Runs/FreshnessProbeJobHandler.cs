using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Jobs;

namespace RagLab.Core.Evaluation.Runs;

/// <summary>
/// Runs a <see cref="FreshnessProbe"/> as an <c>eval-freshness</c> job (payload: the <see cref="FreshnessProbeRequest"/> as JSON)
/// and keeps its report in the eval store under the job id; with a run id, also in that run's summary (<see cref="RunFreshness"/>).
/// </summary>
public sealed class FreshnessProbeJobHandler(FreshnessProbe probe, IEvalStore store) : IJobHandler
{
    public const string JobKind = "eval-freshness";

    public string Kind => JobKind;

    public async Task RunAsync(JobRecord job, IJobProgress progress, CancellationToken cancellationToken)
    {
        var request = JobPayloads.Read<FreshnessProbeRequest>(job);
        await progress.ReportAsync(0, $"Indexing {request.DocumentName}, then asking each mode", cancellationToken);
        var report = await probe.RunAsync(request, cancellationToken);
        await store.SaveFreshnessReportAsync(job.Id, report, cancellationToken);
        if (request.RunId is { } runId && await store.GetRunAsync(runId, cancellationToken) is { Summary: { } summary } run)
        {
            var timeout = (request.Timeout ?? FreshnessProbe.DefaultTimeout).TotalSeconds;
            var freshness = new RunFreshness(job.Id, request.Question, request.ExpectedAnswer, request.DocumentName, report.IndexedAfterSeconds, timeout,
                [.. report.Modes.Select(m => new ModeFreshness(m.Mode, ModeRoles.Resolve(m.Mode, run.Request.ModeRoles), m.PickedUp, m.Seconds, m.LastAnswer, m.Error))]);
            await store.UpdateRunAsync(run.Id, run.Status, run.Error, summary with { Freshness = freshness }, cancellationToken);
        }
        var picked = report.Modes.Where(m => m.PickedUp).Select(m => m.Mode).ToList();
        progress.ReportOutcome($"{picked.Count} of {report.Modes.Count} modes gave the new answer{(picked.Count > 0 ? $" ({string.Join(", ", picked)})" : "")}" +
            (request.RunId is null ? "." : $"; the figures are in run {request.RunId}'s report."));
    }
}
