using Microsoft.AspNetCore.Http.HttpResults;
using RagLab.Contracts;
using RagLab.Core.Ingestion;
using RagLab.Core.Kernel;

namespace RagLab.Api.Apis;

/// <summary>Re-ingest: index a document again from the upload the lab stored, e.g. after a failure or a change of chunking settings.</summary>
public static class ReingestApi
{
    public static IEndpointRouteBuilder MapReingestApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/documents/{id}/reingest", ReingestAsync).WithTags("Documents").RequireWriter()
            .WithSummary("Index a document again from its stored upload (chunks rebuilt with the current settings) → 202 {documents:[{id, name, status, jobId}]}.")
            .Produces<UploadResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Accepted<UploadResponse>> ReingestAsync(string id, IDocumentStore documents, IContentStore content,
        IIngestionService ingestion, HttpContext context, CancellationToken cancellationToken)
    {
        var document = await DocumentsApi.FindReadableAsync(id, documents, context, cancellationToken);
        if (document.Status is Core.Kernel.DocumentStatus.Queued or Core.Kernel.DocumentStatus.Indexing)
            throw new ValidationException($"'{document.Name}' is still being indexed (job {document.JobId}); re-ingest it once it is ready or failed.");

        // The stored upload is read whole first: the delete below may remove it from the blob store.
        var original = new MemoryStream();
        await using (var blob = await content.OpenAsync(document.ContentHash, cancellationToken))
            await blob.CopyToAsync(original, cancellationToken);
        original.Position = 0;

        // An unchanged upload of a ready document is a no-op by design, so a ready one is deleted first, through the same
        // path as DELETE /api/documents/{id}; a failed one is simply submitted again.
        if (document.Status != Core.Kernel.DocumentStatus.Failed)
            await ingestion.DeleteAsync(document.Id, cancellationToken);
        // Its readers stay as they were (an empty list keeps "everyone"; the collection's default may have changed since).
        var receipt = await ingestion.SubmitAsync(document.Collection, document.Name, original, document.Groups ?? [], CancellationToken.None);
        return TypedResults.Accepted($"/api/documents/{receipt.DocumentId}", new UploadResponse([receipt.ToContract()]));
    }
}
