using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RagLab.Core.Jobs;
using RagLab.Core.Telemetry;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion;

/// <summary>
/// Runs the <see cref="IngestionPipeline"/> as an <c>ingest-batch</c> job over the documents of the collection whose record
/// names this job and is not yet done. Every upload, single or bulk, is indexed by such a job.
/// </summary>
/// <remarks>
/// Crash-safe and idempotent: a document is marked ready only after it is stored and indexed, so a rerun skips what is
/// done and redoes the rest (see <see cref="IngestionPipeline"/> for the commit order).
/// </remarks>
public sealed class IngestBatchJobHandler(
    IngestionPipeline pipeline,
    IDocumentStore documents,
    TimeProvider time,
    ILogger<IngestBatchJobHandler> logger) : IJobHandler
{
    public const string JobKind = "ingest-batch";

    /// <summary>Documents per store transaction and index update (smaller in tests, to exercise several batches).</summary>
    internal int BatchSize { get => pipeline.BatchSize; set => pipeline.BatchSize = value; }

    public string Kind => JobKind;

    public async Task RunAsync(JobRecord job, IJobProgress progress, CancellationToken cancellationToken)
    {
        var payload = JobPayloads.Read<IngestBatchJobPayload>(job);
        using var activity = RagLabTelemetry.ActivitySource.StartActivity("ingest");
        activity?.SetTag("raglab.collection", payload.Collection);
        var started = Stopwatch.GetTimestamp();

        var mine = (await documents.ListAsync(payload.Collection, cancellationToken)).Where(d => d.JobId == job.Id).ToList();
        var pending = mine.Where(d => d.Status is DocumentStatus.Queued or DocumentStatus.Indexing).ToList();
        var total = mine.Count;
        var doneBefore = total - pending.Count;
        activity?.SetTag("raglab.documents", pending.Count);

        var outcome = await pipeline.IndexAsync(payload.Collection, pending, payload.MaxChunkTokens,
            done => progress.ReportAsync(Fraction(doneBefore + done, total), $"indexing: {doneBefore + done} of {total} documents done", cancellationToken),
            cancellationToken);

        await progress.ReportAsync(1, $"indexed {total} documents", cancellationToken);
        RagLabTelemetry.IngestionDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        logger.LogInformation("Batch {JobId} indexed {Documents} documents of {Collection}: {Chunks} chunks, {Failed} failed, {Superseded} superseded, in {Elapsed:0} ms " +
            "(parse and chunk {Preparing:0} ms, store {Storing:0} ms, indexes {Indexing:0} ms)",
            job.Id, pending.Count, payload.Collection, outcome.Chunks, outcome.Failed, outcome.Superseded, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            outcome.Preparing.TotalMilliseconds, outcome.Storing.TotalMilliseconds, outcome.Indexing.TotalMilliseconds);
    }

    /// <summary>Marks this job's documents that were still waiting as failed, so the user sees why they are not searchable.</summary>
    public async Task OnFailedAsync(JobRecord job, string error, CancellationToken cancellationToken)
    {
        var payload = JobPayloads.Read<IngestBatchJobPayload>(job);
        var now = time.GetUtcNow();
        var waiting = (await documents.ListAsync(payload.Collection, cancellationToken))
            .Where(d => d.JobId == job.Id && d.Status is DocumentStatus.Queued or DocumentStatus.Indexing);
        // Version-checked: a document re-uploaded or deleted meanwhile keeps its newer state.
        foreach (var document in waiting)
            await documents.SaveIfVersionAsync(document with { Status = DocumentStatus.Failed, Error = error, UpdatedAt = now }, document.Version, cancellationToken);
    }

    private static double Fraction(int done, int total) => total == 0 ? 1 : (double)done / total;
}
