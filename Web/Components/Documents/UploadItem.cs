using RagLab.Contracts;

namespace RagLab.Web.Components.Documents;

/// <summary>Where one uploaded file is: read from the browser and sent, then indexed by its job, then ready or failed.</summary>
public sealed class UploadItem
{
    public required string Name { get; init; }
    public long Bytes { get; init; }
    public long Sent { get; set; }
    public UploadStage Stage { get; set; } = UploadStage.Waiting;
    public string? DocumentId { get; set; }
    public string? JobId { get; set; }
    public double JobProgress { get; set; }
    public string? JobMessage { get; set; }
    public int Chunks { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset StartedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Sending is the first half of the bar, indexing the second.</summary>
    public double Fraction => Stage switch
    {
        UploadStage.Waiting => 0,
        UploadStage.Sending => Bytes == 0 ? 0.5 : 0.5 * Sent / Bytes,
        UploadStage.Queued => 0.5,
        UploadStage.Indexing => 0.5 + 0.5 * Math.Clamp(JobProgress, 0, 1),
        _ => 1,
    };

    public bool IsFinished => Stage is UploadStage.Ready or UploadStage.Failed;

    /// <summary>Takes the document's status from the Api.</summary>
    public void Apply(DocumentResponse document)
    {
        Chunks = document.Chunks;
        Stage = document.Status switch
        {
            DocumentStatus.Queued => UploadStage.Queued,
            DocumentStatus.Indexing => UploadStage.Indexing,
            DocumentStatus.Ready => UploadStage.Ready,
            _ => UploadStage.Failed,
        };
        if (document.Status == DocumentStatus.Failed) Error = document.Error ?? "Indexing failed.";
    }
}

public enum UploadStage { Waiting, Sending, Queued, Indexing, Ready, Failed }
