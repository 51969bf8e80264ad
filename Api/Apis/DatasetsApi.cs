using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RagLab.Contracts;
using RagLab.Core.FineTuning;
using RagLab.Core.FineTuning.Datasets;
using RagLab.Core.Kernel;

namespace RagLab.Api.Apis;

public static class DatasetsApi
{
    /// <summary>Examples of each split shown with a dataset.</summary>
    public const int PreviewExamples = 3;

    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/datasets").WithTags("Datasets").RequireReader();
        api.MapPost("/", BuildAsync).RequireWriter()
            .WithSummary("Build a training dataset from a collection's chunks with the connected chat model, as a job: kind 'raft' (question + oracle chunk with probability P + distractors → cited answer; for hybrid) or 'closedBook' (question → answer; for finetuned). Eval-set questions and their source chunks are excluded.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        // No antiforgery token: the Api serves no forms; CrossSiteRequestGuard refuses uploads from other sites' pages.
        api.MapPost("/upload", UploadAsync).DisableAntiforgery().RequireWriter()
            .WithSummary("Upload a dataset as chat JSONL (multipart 'file', one {\"messages\": [...]} per line; 'name', optional 'collection' and 'validationShare'). Bad lines are reported by line number and nothing is stored.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapGet("/", ListAsync).WithSummary("Datasets, newest first, optionally of one collection.");
        api.MapGet("/{id}", GetAsync).WithSummary("A dataset with its statistics and a preview of each split.").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/export", ExportAsync)
            .WithSummary("A split as JSON Lines: format=openai (chat messages; default), sharegpt or alpaca; split=train (default) or validation.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/{id}", DeleteAsync).RequireWriter().WithSummary("Delete a dataset no job or version uses.").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Accepted<DatasetResponse>> BuildAsync(CreateDatasetRequest body, DatasetService datasets, CancellationToken cancellationToken)
    {
        var defaults = new DatasetBuildRequest("", "", null);
        var request = new DatasetBuildRequest("", body.Name ?? "", body.Collection, FineTuneMappings.ParseKind(body.Kind),
            body.MaxChunks ?? defaults.MaxChunks, body.QuestionsPerChunk ?? defaults.QuestionsPerChunk, body.Distractors ?? defaults.Distractors,
            body.OracleProbability ?? defaults.OracleProbability, body.ValidationShare ?? defaults.ValidationShare, body.ExcludeEvalSets, body.Seed ?? defaults.Seed);
        var dataset = await datasets.StartBuildAsync(request, cancellationToken);
        return TypedResults.Accepted($"/api/datasets/{dataset.Id}", dataset.ToContract());
    }

    private static async Task<Created<DatasetResponse>> UploadAsync(HttpRequest request, DatasetService datasets, IOptions<IngestionOptions> options, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType) throw new ValidationException("Send multipart/form-data with a 'file' (chat JSONL), a 'name' and optionally a 'collection'.");
        var form = await request.ReadFormAsync(cancellationToken);
        var file = form.Files.GetFile("file") ?? throw new ValidationException("No dataset in the upload: send the JSON Lines file as multipart form field 'file'.");
        if (file.Length > options.Value.MaxUploadBytes)
            throw new PayloadTooLargeException($"'{file.FileName}' is {file.Length:N0} bytes, over the upload limit of {options.Value.MaxUploadBytes:N0} bytes (RagLab:Ingestion:MaxUploadBytes).");
        var name = form["name"].FirstOrDefault() is { Length: > 0 } given ? given : Path.GetFileNameWithoutExtension(file.FileName);
        var share = form["validationShare"].FirstOrDefault() is { Length: > 0 } text
            ? double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : throw new ValidationException("'validationShare' must be a number such as 0.1.")
            : 0.1;
        await using var stream = file.OpenReadStream();
        var dataset = await datasets.UploadAsync(name, form["collection"].FirstOrDefault(), Path.GetFileName(file.FileName), stream, share, 42, cancellationToken);
        return TypedResults.Created($"/api/datasets/{dataset.Id}", dataset.ToContract());
    }

    private static async Task<Ok<List<DatasetResponse>>> ListAsync(string? collection, IFineTuneStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListDatasetsAsync(string.IsNullOrEmpty(collection) ? null : CollectionName.Normalize(collection), cancellationToken))
            .Select(d => d.ToContract()).ToList());

    private static async Task<Ok<DatasetDetails>> GetAsync(string id, IFineTuneStore store, CancellationToken cancellationToken)
    {
        var dataset = await store.GetDatasetAsync(id, cancellationToken) ?? throw Unknown(id);
        var train = await store.GetExamplesAsync(id, DatasetSplit.Train, PreviewExamples, cancellationToken);
        var validation = await store.GetExamplesAsync(id, DatasetSplit.Validation, PreviewExamples, cancellationToken);
        return TypedResults.Ok(new DatasetDetails(dataset.ToContract(), [.. train.Select(e => e.ToContract())], [.. validation.Select(e => e.ToContract())]));
    }

    private static async Task ExportAsync(string id, string? format, string? split, HttpContext context, IFineTuneStore store, CancellationToken cancellationToken)
    {
        var chosen = DatasetExporter.ParseFormat(format);
        var part = split?.Trim().ToLowerInvariant() switch
        {
            null or "" or "train" => DatasetSplit.Train,
            "validation" or "valid" => DatasetSplit.Validation,
            _ => throw new ValidationException($"Unknown split '{split}'. Use train or validation."),
        };
        var dataset = await store.GetDatasetAsync(id, cancellationToken) ?? throw Unknown(id);
        if (dataset.Status != DatasetStatus.Ready) throw new ValidationException($"Dataset '{dataset.Name}' is {dataset.Status.ToString().ToLowerInvariant()}, not ready to export.");
        var examples = await store.GetExamplesAsync(id, part, null, cancellationToken);
        context.Response.ContentType = "application/jsonl; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{System.Text.RegularExpressions.Regex.Replace(dataset.Name, "[^A-Za-z0-9_-]", "-")}-{part.ToString().ToLowerInvariant()}-{chosen.ToString().ToLowerInvariant()}.jsonl\"";
        await DatasetExporter.WriteAsync(examples, chosen, context.Response.Body, cancellationToken);
    }

    private static async Task<NoContent> DeleteAsync(string id, IFineTuneStore store, CancellationToken cancellationToken) =>
        await store.DeleteDatasetAsync(id, cancellationToken) ? TypedResults.NoContent() : throw Unknown(id);

    private static NotFoundException Unknown(string id) => new($"No dataset with id '{id}'. List datasets with GET /api/datasets.");
}
