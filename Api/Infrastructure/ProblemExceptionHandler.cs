using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using RagLab.Contracts;
using RagLab.Core.FineTuning.Datasets;
using RagLab.Core.Ingestion;
using RagLab.Core.Kernel;

namespace RagLab.Api.Infrastructure;

/// <summary>Turns RagLab's exceptions into RFC 7807 problem details whose detail a user can act on.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = Classify(exception);
        if (status == StatusCodes.Status500InternalServerError) logger.LogError(exception, "Unhandled error for {Path}", context.Request.Path);
        // Model errors are the server's fault, not the user's: log each with its cause.
        else if (exception is ModelCallException) logger.LogWarning(exception, "Model call failed for {Path}: {Cause}", context.Request.Path, exception.InnerException?.Message ?? exception.Message);
        context.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = status == StatusCodes.Status500InternalServerError ? "An unexpected error occurred; see the server log." : exception.Message,
        };
        // Every bad line of a JSONL upload, not only the first ones the detail names, for a client to list.
        if (exception is JsonlUploadException upload)
            problem.Extensions["errors"] = upload.Errors.Select(e => new DatasetLineError(e.Line, e.Message)).ToList();
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, Exception = exception, ProblemDetails = problem });
    }

    public static (int Status, string Title) Classify(Exception exception) => exception switch
    {
        UnsupportedFileTypeException => (StatusCodes.Status415UnsupportedMediaType, "Unsupported file type"),
        PayloadTooLargeException => (StatusCodes.Status413PayloadTooLarge, "File too large"),
        ValidationException => (StatusCodes.Status400BadRequest, "Invalid request"),
        DocumentParseException => (StatusCodes.Status422UnprocessableEntity, "Unreadable document"),
        NotFoundException => (StatusCodes.Status404NotFound, "Not found"),
        DependencyUnavailableException => (StatusCodes.Status503ServiceUnavailable, "Dependency unavailable"),
        ReembedRequiredException => (StatusCodes.Status409Conflict, "Re-embed needed"),
        ModelTimeoutException => (StatusCodes.Status504GatewayTimeout, "Model server timeout"),
        ModelCallException => (StatusCodes.Status502BadGateway, "Model server error"),
        BadHttpRequestException bad => (bad.StatusCode, "Bad request"),
        System.Text.Json.JsonException => (StatusCodes.Status400BadRequest, "Malformed JSON"),
        // The form reader's word for a malformed multipart body (a limit it enforces is turned into 413 where forms are read).
        InvalidDataException => (StatusCodes.Status400BadRequest, "Malformed request body"),
        _ => (StatusCodes.Status500InternalServerError, "Server error"),
    };
}
