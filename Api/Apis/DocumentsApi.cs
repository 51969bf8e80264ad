using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RagLab.Api.Infrastructure;
using RagLab.Core.Ingestion;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;
using RagLab.Core.Ingestion.Parsers;
using RagLab.Contracts;
using DocumentStatus = RagLab.Contracts.DocumentStatus;

namespace RagLab.Api.Apis;

public static class DocumentsApi
{
    public static IEndpointRouteBuilder MapDocumentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/documents").WithTags("Documents").RequireReader();
        // No antiforgery token: the Api serves no forms; CrossSiteRequestGuard refuses uploads from other sites' pages.
        api.MapPost("/", UploadAsync).DisableAntiforgery().RequireWriter()
            .WithSummary("Upload documents: multipart 'files' (+ optional 'collection'), or JSON {name, text, collection?} " +
                "(text whose name has no supported extension is plain text, stored as name + '.txt').")
            .Accepts<TextDocumentRequest>("application/json", "multipart/form-data")
            .Produces<UploadResponse>(StatusCodes.Status202Accepted);
        api.MapGet("/", ListAsync).WithSummary("List documents, optionally of one collection.");
        api.MapGet("/{id}", GetAsync).WithSummary("One document.");
        api.MapGet("/{id}/chunks", GetChunksAsync).WithSummary("A document's chunks with their heading paths and character spans.");
        api.MapDelete("/{id}", DeleteAsync).RequireWriter().WithSummary("Delete a document from the store, every index and every cache.");
        return app;
    }

    private static async Task<IResult> UploadAsync(HttpRequest request, IIngestionService ingestion, DocumentParserRegistry parsers,
        IOptions<IngestionOptions> limits, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType) return await UploadFilesAsync(request, ingestion, limits.Value, cancellationToken);

        var body = await request.ReadFromJsonAsync<TextDocumentRequest>(cancellationToken)
            ?? throw new ValidationException("Send multipart/form-data with 'files', or JSON {\"name\", \"text\", \"collection\"?}.");
        if (string.IsNullOrEmpty(body.Text)) throw new ValidationException("The document's 'text' is empty.");
        using var content = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body.Text));
        // Text sent as text is plain text: a name without a parser's extension ("refund policy") is stored as "refund policy.txt".
        var receipt = await ingestion.SubmitAsync(body.Collection, parsers.NameForText(body.Name), content, cancellationToken);
        return TypedResults.Accepted((string?)null, new UploadResponse([ToUploaded(receipt)]));
    }

    private static async Task<IResult> UploadFilesAsync(HttpRequest request, IIngestionService ingestion, IngestionOptions limits, CancellationToken cancellationToken)
    {
        var form = await UploadForm.ReadAsync(request, limits, cancellationToken);
        var files = form.Files.GetFiles("files");
        if (files.Count == 0) throw new ValidationException("No files in the upload: send them as multipart form field 'files'.");
        var collection = form["collection"].FirstOrDefault();
        CollectionName.Normalize(collection); // a bad collection fails the whole request, before anything is stored

        // Each file succeeds or fails on its own: one bad file must not lose the others.
        var results = new List<UploadedDocument>();
        var errors = new List<(Exception Error, string Name)>();
        foreach (var file in files)
        {
            try
            {
                await using var stream = file.OpenReadStream();
                results.Add(ToUploaded(await ingestion.SubmitAsync(collection, file.FileName, stream, cancellationToken)));
            }
            catch (Exception ex) when (ex is ValidationException or DocumentParseException)
            {
                errors.Add((ex, file.FileName));
                results.Add(new UploadedDocument(null, file.FileName, DocumentStatus.Failed, null, Error: ex.Message));
            }
        }
        if (errors.Count == files.Count)
        {
            var (status, title) = ProblemExceptionHandler.Classify(errors[0].Error);
            return TypedResults.Problem(
                detail: string.Join(" ", errors.Select(e => e.Error.Message)), statusCode: status, title: title,
                extensions: new Dictionary<string, object?> { ["documents"] = results });
        }
        return TypedResults.Accepted((string?)null, new UploadResponse(results));
    }

    private static UploadedDocument ToUploaded(IngestionReceipt receipt) => receipt.ToContract();

    private static async Task<Ok<List<DocumentResponse>>> ListAsync(string? collection, IDocumentStore documents, CancellationToken cancellationToken) =>
        TypedResults.Ok((await documents.ListAsync(string.IsNullOrEmpty(collection) ? null : CollectionName.Normalize(collection), cancellationToken))
            .Select(d => d.ToContract()).ToList());

    private static async Task<Ok<DocumentResponse>> GetAsync(string id, IDocumentStore documents, CancellationToken cancellationToken) =>
        TypedResults.Ok((await documents.GetAsync(id, cancellationToken) ?? throw UnknownDocument(id)).ToContract());

    private static async Task<Ok<List<DocumentChunk>>> GetChunksAsync(string id, IDocumentStore documents, CancellationToken cancellationToken)
    {
        _ = await documents.GetAsync(id, cancellationToken) ?? throw UnknownDocument(id);
        return TypedResults.Ok((await documents.GetChunksAsync(id, cancellationToken)).Select(c => c.ToContract()).ToList());
    }

    private static async Task<NoContent> DeleteAsync(string id, IIngestionService ingestion, CancellationToken cancellationToken) =>
        await ingestion.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : throw UnknownDocument(id);

    private static NotFoundException UnknownDocument(string id) =>
        new($"No document with id '{id}'. List documents with GET /api/documents.");
}
