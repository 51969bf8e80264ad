using RagLab.Contracts;
using RagLab.Core.Ingestion;
using Domain = RagLab.Core.Kernel;

namespace RagLab.Infrastructure.ContractMapping;

/// <summary>Core's documents and chunks as the HTTP contract shows them.</summary>
public static class DocumentContractMappings
{
    public static DocumentStatus ToContract(this Domain.DocumentStatus status) => status switch
    {
        Domain.DocumentStatus.Queued => DocumentStatus.Queued,
        Domain.DocumentStatus.Indexing => DocumentStatus.Indexing,
        Domain.DocumentStatus.Ready => DocumentStatus.Ready,
        Domain.DocumentStatus.Failed => DocumentStatus.Failed,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A document status the contract does not know."),
    };

    public static DocumentResponse ToContract(this Domain.DocumentRecord document) =>
        new(document.Id, document.Collection, document.Name, document.Status.ToContract(), document.Chunks, document.Bytes,
            document.ContentHash, document.UpdatedAt, document.Error, document.JobId, document.Warnings, document.Groups);

    public static DocumentChunk ToContract(this Domain.Chunk chunk) =>
        new(chunk.Id, chunk.DocumentId, chunk.DocumentName, chunk.Collection, chunk.Position, chunk.HeadingPath, chunk.Text, chunk.Start, chunk.End);

    public static UploadedDocument ToContract(this IngestionReceipt receipt) =>
        new(receipt.DocumentId, receipt.Name, receipt.Status.ToContract(), receipt.JobId, receipt.Collection);
}
