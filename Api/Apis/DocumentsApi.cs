using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RagLab.Api.Infrastructure;
using RagLab.Core.Ingestion;
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
            .WithSummary("Upload documents: multipart 'files' (+ optional 'collection' and 'groups'), or JSON {name, text, collection?, groups?} " +
                "(text whose name has no supported extension is plain text, stored as name + '.txt'). 'groups' are who may read them " +
                "(a form field per group, or comma-separated; an empty value: everyone); left out, the collection's default groups.")
            .Accepts<TextDocumentRequest>("application/json", "multipart/form-data")
            .Produces<UploadResponse>(StatusCodes.Status202Accepted);
        api.MapGet("/", ListAsync).WithSummary("List the documents the caller may read, optionally of one collection.");
        api.MapGet("/{id}", GetAsync).WithSummary("One document (404 when the caller may not read it).");
        api.MapGet("/{id}/chunks", GetChunksAsync).WithSummary("A document's chunks with their heading paths and character spans.");
        api.MapDelete("/{id}", DeleteAsync).RequireWriter().WithSummary("Delete a document from the store, every index and every cache.");

        var access = app.MapGroup("/api/collections/{collection}/access").WithTags("Documents").RequireReader();
        access.MapGet("/", GetAccessAsync).WithSummary("The collection's default groups: who may read a document uploaded without groups (empty: everyone).")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        access.MapPut("/", PutAccessAsync).RequireWriter()
            .WithSummary("Set the collection's default groups {defaultGroups: [...]}; documents already uploaded keep theirs.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<IResult> UploadAsync(HttpRequest request, IIngestionService ingestion, DocumentParserRegistry parsers,
        IOptions<IngestionOptions> limits, CancellationToken cancellationToken)
    {
        // Who may read an upload is what it says (or the collection's default), whoever uploads it: a writer may share a
        // document with groups they are not in.
        if (request.HasFormContentType) return await UploadFilesAsync(request, ingestion, limits.Value, cancellationToken);

        var body = await request.ReadFromJsonAsync<TextDocumentRequest>(cancellationToken)
            ?? throw new ValidationException("Send multipart/form-data with 'files', or JSON {\"name\", \"text\", \"collection\"?}.");
        if (string.IsNullOrEmpty(body.Text)) throw new ValidationException("The document's 'text' is empty.");
        using var content = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(body.Text));
        // Text sent as text is plain text: a name without a parser's extension ("refund policy") is stored as "refund policy.txt".
        var receipt = await ingestion.SubmitAsync(body.Collection, parsers.NameForText(body.Name), content, body.Groups, cancellationToken);
        return TypedResults.Accepted((string?)null, new UploadResponse([ToUploaded(receipt)]));
    }

    private static async Task<IResult> UploadFilesAsync(HttpRequest request, IIngestionService ingestion, IngestionOptions limits, CancellationToken cancellationToken)
    {
        var form = await UploadForm.ReadAsync(request, limits, cancellationToken);
        var files = form.Files.GetFiles("files");
        if (files.Count == 0) throw new ValidationException("No files in the upload: send them as multipart form field 'files'.");
        var collection = form["collection"].FirstOrDefault();
        CollectionName.Normalize(collection); // a bad collection fails the whole request, before anything is stored
        // A 'groups' field, even empty (everyone), names the readers; without one, the collection's default applies.
        IReadOnlyList<string>? groups = form.ContainsKey("groups") ? DocumentGroups.ParseFormValues(form["groups"]) ?? [] : null;

        // Each file succeeds or fails on its own: one bad file must not lose the others.
        var results = new List<UploadedDocument>();
        var errors = new List<(Exception Error, string Name)>();
        foreach (var file in files)
        {
            try
            {
                await using var stream = file.OpenReadStream();
                results.Add(ToUploaded(await ingestion.SubmitAsync(collection, file.FileName, stream, groups, cancellationToken)));
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

    private static async Task<Ok<List<DocumentResponse>>> ListAsync(string? collection, IDocumentStore documents, HttpContext context, CancellationToken cancellationToken)
    {
        var scope = context.ReaderScope();
        return TypedResults.Ok((await documents.ListAsync(string.IsNullOrEmpty(collection) ? null : CollectionName.Normalize(collection), cancellationToken))
            .Where(d => scope.CanRead(d.Groups)).Select(d => d.ToContract()).ToList());
    }

    private static async Task<Ok<DocumentResponse>> GetAsync(string id, IDocumentStore documents, HttpContext context, CancellationToken cancellationToken) =>
        TypedResults.Ok((await FindReadableAsync(id, documents, context, cancellationToken)).ToContract());

    private static async Task<Ok<List<DocumentChunk>>> GetChunksAsync(string id, IDocumentStore documents, HttpContext context, CancellationToken cancellationToken)
    {
        _ = await FindReadableAsync(id, documents, context, cancellationToken);
        return TypedResults.Ok((await documents.GetChunksAsync(id, cancellationToken)).Select(c => c.ToContract()).ToList());
    }

    private static async Task<NoContent> DeleteAsync(string id, IIngestionService ingestion, IDocumentStore documents, HttpContext context, CancellationToken cancellationToken)
    {
        _ = await FindReadableAsync(id, documents, context, cancellationToken);
        return await ingestion.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : throw UnknownDocument(id);
    }

    private static async Task<CollectionAccessResponse> GetAccessAsync(string collection, ICollectionAccessStore access, CancellationToken cancellationToken)
    {
        var name = CollectionName.Normalize(collection);
        return new CollectionAccessResponse(name, await access.GetDefaultGroupsAsync(name, cancellationToken) ?? []);
    }

    private static async Task<CollectionAccessResponse> PutAccessAsync(string collection, CollectionAccessRequest? request, ICollectionAccessStore access, CancellationToken cancellationToken)
    {
        var name = CollectionName.Normalize(collection);
        if (request is null) throw new ValidationException("Send {\"defaultGroups\": [\"hr\", ...]} (an empty list: readable by everyone).");
        var groups = DocumentGroups.Normalize(request.DefaultGroups);
        await access.SetDefaultGroupsAsync(name, groups, cancellationToken);
        return new CollectionAccessResponse(name, groups ?? []);
    }

    /// <summary>
    /// The document, if the caller may read it. One they may not read is answered as one that does not exist (404, not 403), so
    /// its id says nothing about what it holds, or that it is there at all.
    /// </summary>
    internal static async Task<DocumentRecord> FindReadableAsync(string id, IDocumentStore documents, HttpContext context, CancellationToken cancellationToken) =>
        await documents.GetAsync(id, cancellationToken) is { } document && context.ReaderScope().CanRead(document.Groups)
            ? document
            : throw UnknownDocument(id);

    private static NotFoundException UnknownDocument(string id) =>
        new($"No document with id '{id}'. List documents with GET /api/documents.");
}
