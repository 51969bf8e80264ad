using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Runs;

/// <summary>
/// Runs a <see cref="FreshnessProbe"/> as an <c>eval-freshness</c> job (payload: the <see cref="FreshnessProbeRequest"/> as JSON)
/// and keeps its report in the eval store under the job id.
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
    }
}
