using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RagLab.Core.Evaluation;
using RagLab.Core.Evaluation.Beir;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Jobs;
using RagLab.Api.Infrastructure;
using RagLab.Contracts;
using RagLab.Core.Kernel;

namespace RagLab.Api.Apis;

public static partial class EvalSetsApi
{
    public static IEndpointRouteBuilder MapEvalSetsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/evalsets").WithTags("Eval sets").RequireReader();
        // No antiforgery tokens on the imports: the Api serves no forms; CrossSiteRequestGuard refuses uploads from other sites' pages.
        api.MapPost("/", ImportJsonlAsync).DisableAntiforgery().RequireWriter()
            .WithSummary("Import an eval set from JSON Lines: multipart 'file' (one {question, answer?, relevantDocuments?, tags?, unanswerable?, id?} per line), 'name', optional 'collection'. Re-importing a name adds a version.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/beir", ImportBeirAsync).DisableAntiforgery().RequireWriter()
            .WithSummary("Import a BEIR dataset: multipart files 'corpus' (corpus.jsonl), 'queries' (queries.jsonl), 'qrels' (the split's .tsv); optional 'collection' (default 'beir') and 'split' (default 'test'). Ingests the corpus and stores the judged queries as an eval set.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/generate", GenerateAsync).RequireWriter()
            .WithSummary("Write an eval set with the connected LLM from a collection's chunks, as a job; GET /api/evalsets/generate/{jobId} gives the new set once it is done.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapGet("/generate/{jobId}", GetGenerationAsync)
            .WithSummary("A generation job's status and progress and, once it has succeeded, the eval set it created.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/", ListAsync).WithSummary("Every version of every eval set, newest first, optionally of one collection.");
        api.MapGet("/{id}", GetAsync).WithSummary("One eval set with its questions.").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/{id}", DeleteAsync).RequireWriter().WithSummary("Delete an eval set version with its runs and results.").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The default split of a BEIR upload.</summary>
    public const string DefaultSplit = "test";

    /// <summary>The collection of a BEIR upload that names none (uploads have no folder name to take it from).</summary>
    public const string DefaultBeirCollection = "beir";

    private static async Task<Created<EvalSetResponse>> ImportJsonlAsync(HttpRequest request, IEvalStore store, IOptions<IngestionOptions> options, CancellationToken cancellationToken)
    {
        var form = await ReadFormAsync(request, "a 'file' (JSON Lines), a 'name' and optionally a 'collection'", cancellationToken);
        var file = form.Files.GetFile("file") ?? throw new ValidationException("No eval set in the upload: send the JSON Lines file as multipart form field 'file'.");
        CheckSize(file, options.Value.MaxUploadBytes);
        var name = form["name"].FirstOrDefault() is { Length: > 0 } given ? given : Path.GetFileNameWithoutExtension(file.FileName);
        var collection = CollectionName.Normalize(form["collection"].FirstOrDefault());
        var heldOut = ReadBool(form, "heldOutFromTraining") ?? true;

        IReadOnlyList<EvalItem> items;
        await using (var stream = file.OpenReadStream())
            items = await JsonlEvalSetReader.ReadAsync(stream, cancellationToken);
        var set = await store.ImportAsync(new EvalSetDraft(name, collection, Core.Evaluation.Sets.EvalSetSource.Jsonl, heldOut, items), cancellationToken);
        return TypedResults.Created($"/api/evalsets/{set.Id}", set.ToContract());
    }

    private static async Task<Accepted<BeirImportResponse>> ImportBeirAsync(HttpRequest request, BeirImporter importer, IOptions<IngestionOptions> options, CancellationToken cancellationToken)
    {
        var form = await ReadFormAsync(request, "files 'corpus', 'queries' and 'qrels', optionally 'collection' and 'split'", cancellationToken);
        var split = form["split"].FirstOrDefault() is { Length: > 0 } s ? s.Trim() : DefaultSplit;
        if (!SplitName().IsMatch(split))
            throw new ValidationException($"Split '{split}' is not a plain name such as 'test', 'dev' or 'train' (letters, digits, '-' and '_').");
        var collection = CollectionName.Normalize(form["collection"].FirstOrDefault() is { Length: > 0 } c ? c.Trim() : DefaultBeirCollection);
        var files = new[] { "corpus", "queries", "qrels" }.ToDictionary(field => field, field =>
            form.Files.GetFile(field) ?? throw new ValidationException($"The BEIR upload has no '{field}' file: send corpus.jsonl, queries.jsonl and qrels/<split>.tsv as multipart fields 'corpus', 'queries' and 'qrels'."));
        foreach (var file in files.Values) CheckSize(file, options.Value.MaxUploadBytes);

        // Saved under fixed names in a fresh folder: nothing the client sends becomes part of a path except the checked split.
        var directory = Path.Combine(Path.GetTempPath(), "raglab-beir-" + Guid.NewGuid().ToString("n"));
        try
        {
            Directory.CreateDirectory(Path.Combine(directory, "qrels"));
            await SaveAsync(files["corpus"], Path.Combine(directory, "corpus.jsonl"), cancellationToken);
            await SaveAsync(files["queries"], Path.Combine(directory, "queries.jsonl"), cancellationToken);
            await SaveAsync(files["qrels"], Path.Combine(directory, "qrels", split + ".tsv"), cancellationToken);
            var result = await importer.ImportAsync(directory, collection, split, null, cancellationToken);
            return TypedResults.Accepted($"/api/evalsets/{result.EvalSetId}", result.ToContract());
        }
        catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException)
        {
            // The messages name the file and line; drop the server's temporary folder from them.
            throw new ValidationException(ex.Message.Replace(directory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal));
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task<Accepted<JobAccepted>> GenerateAsync(GenerateEvalSetRequest body, EvalJobScheduler scheduler, HttpContext context, CancellationToken cancellationToken)
    {
        var request = new EvalSetGenerationRequest(body.Name ?? "", body.Collection, body.Count ?? 30, body.Seed ?? 42,
            ReaderGroups: context.ReaderScope().ToGroupList());
        var job = await scheduler.StartGenerationAsync(request, cancellationToken);
        return TypedResults.Accepted($"/api/jobs/{job.Id}", new JobAccepted(job.Id));
    }

    private static async Task<Ok<EvalSetGenerationStatus>> GetGenerationAsync(string jobId, IJobStore jobs, IEvalStore store, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(jobId, cancellationToken);
        if (job is null || job.Kind != EvalSetGenerationJobHandler.JobKind)
            throw new NotFoundException($"No eval set generation with job id '{jobId}'. Start one with POST /api/evalsets/generate.");
        var setId = await store.GetGeneratedSetIdAsync(jobId, cancellationToken);
        var set = setId is null ? null : await store.GetSetAsync(setId, cancellationToken);
        return TypedResults.Ok(new EvalSetGenerationStatus(job.Id, job.Status.ToContract(), job.Progress, job.Message, job.Error, set?.ToContract()));
    }

    private static async Task<Ok<List<EvalSetResponse>>> ListAsync(string? collection, IEvalStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListSetsAsync(string.IsNullOrEmpty(collection) ? null : CollectionName.Normalize(collection), cancellationToken))
            .Select(set => set.ToContract()).ToList());

    private static async Task<Ok<EvalSetDetails>> GetAsync(string id, IEvalStore store, CancellationToken cancellationToken)
    {
        var set = await store.GetSetAsync(id, cancellationToken) ?? throw UnknownSet(id);
        var items = await store.GetItemsAsync(id, cancellationToken);
        return TypedResults.Ok(set.ToDetails(items));
    }

    private static async Task<NoContent> DeleteAsync(string id, IEvalStore store, CancellationToken cancellationToken) =>
        await store.DeleteSetAsync(id, cancellationToken) ? TypedResults.NoContent() : throw UnknownSet(id);

    internal static NotFoundException UnknownSet(string id) =>
        new($"No eval set with id '{id}'. List eval sets with GET /api/evalsets.");

    private static async Task<IFormCollection> ReadFormAsync(HttpRequest request, string expected, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType) throw new ValidationException($"Send multipart/form-data with {expected}.");
        return await request.ReadFormAsync(cancellationToken);
    }

    private static void CheckSize(IFormFile file, long maxBytes)
    {
        if (file.Length > maxBytes)
            throw new PayloadTooLargeException($"'{file.FileName}' is {file.Length:N0} bytes, over the upload limit of {maxBytes:N0} bytes (RagLab:Ingestion:MaxUploadBytes).");
    }

    private static bool? ReadBool(IFormCollection form, string field) =>
        form[field].FirstOrDefault() is not { Length: > 0 } text ? null
        : bool.TryParse(text, out var value) ? value
        : throw new ValidationException($"'{field}' must be true or false.");

    private static async Task SaveAsync(IFormFile file, string path, CancellationToken cancellationToken)
    {
        await using var target = File.Create(path);
        await using var source = file.OpenReadStream();
        await source.CopyToAsync(target, cancellationToken);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex SplitName();
}
