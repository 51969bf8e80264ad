using System.Globalization;
using System.Text.Json;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Jobs;

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
        await progress.ReportAsync(1, Describe(report), cancellationToken);
    }

    /// <summary>E.g. "indexed after 0.4 s; rag picked it up after 0.5 s; base did not".</summary>
    public static string Describe(FreshnessReport report) =>
        $"indexed after {report.IndexedAfterSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s; " +
        string.Join("; ", report.Modes.Select(m =>
            m.Error is not null ? $"{m.Mode} failed: {m.Error}"
            : m.PickedUp ? $"{m.Mode} picked it up after {m.Seconds!.Value.ToString("0.0", CultureInfo.InvariantCulture)} s"
            : $"{m.Mode} did not"));
}
