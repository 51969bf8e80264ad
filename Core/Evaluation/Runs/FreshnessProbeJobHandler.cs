using System.Text.Json;
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

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Kind => JobKind;

    public async Task RunAsync(JobRecord job, IJobProgress progress, CancellationToken cancellationToken)
    {
        var request = JsonSerializer.Deserialize<FreshnessProbeRequest>(job.Payload, Json)
            ?? throw new ValidationException("The eval-freshness job has no probe request.");
        await progress.ReportAsync(0, $"Submitting {request.DocumentName} and waiting until it is indexed", cancellationToken);
        var report = await probe.RunAsync(request, cancellationToken);
        await store.SaveFreshnessReportAsync(job.Id, report, cancellationToken);
    }
}
