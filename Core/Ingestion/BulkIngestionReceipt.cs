
using RagLab.Core.Kernel;
namespace RagLab.Core.Ingestion;

/// <summary>
/// The outcome of a bulk upload. Accepted documents that changed are indexed by one <c>ingest-batch</c> job
/// (<see cref="JobId"/>); unchanged ones are already indexed (or on their way) and cost nothing.
/// </summary>
/// <param name="JobId">The job indexing <see cref="Queued"/> documents; null when nothing needed indexing.</param>
/// <param name="Documents">Every accepted document (queued or unchanged), in upload order.</param>
/// <param name="Rejected">Uploads refused on their own (bad name, unsupported type, too large), with the reason.</param>
public sealed record BulkIngestionReceipt(
    string Collection,
    string? JobId,
    IReadOnlyList<IngestionReceipt> Documents,
    IReadOnlyList<RejectedUpload> Rejected)
{
    /// <summary>Documents new or changed, waiting for the job.</summary>
    public int Queued => Documents.Count(d => d.Status == DocumentStatus.Queued && d.JobId is not null && d.JobId == JobId);

    /// <summary>Documents whose content was already stored (ready, or already on their way from an earlier upload).</summary>
    public int Unchanged => Documents.Count - Queued;
}

/// <summary>An upload of a bulk submission that was refused; the rest of the submission is not affected.</summary>
/// <param name="Name">The name as given.</param>
/// <param name="Error">What is wrong, for the user.</param>
public sealed record RejectedUpload(string Name, string Error);

/// <summary>Per-submission settings of a bulk upload.</summary>
/// <param name="MaxChunkTokens">
/// Chunk budget for these documents instead of <c>RagLab:Chunking:MaxTokens</c>; e.g. a budget large enough to keep
/// a short article whole, as BEIR benchmarks score whole documents. Null uses the configured budget.
/// </param>
/// <param name="Groups">Who may read these documents: null takes the collection's default groups, an empty list makes them readable by everyone.</param>
public sealed record BulkIngestionOptions(int? MaxChunkTokens = null, IReadOnlyList<string>? Groups = null);
