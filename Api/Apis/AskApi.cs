using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RagLab.Api.Infrastructure;
using RagLab.Core.Generation;
using RagLab.Core.Kernel;
using RagLab.Contracts;
using AskRequest = RagLab.Contracts.AskRequest;

namespace RagLab.Api.Apis;

public static class AskApi
{
    public static IEndpointRouteBuilder MapAskApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/ask").WithTags("Ask").RequireReader();
        api.MapPost("/", AskAsync).WithSummary("Answer a question in one mode (see /api/modes), with citations, timings and token usage. Send Cache-Control: no-cache to bypass the answer cache.");
        api.MapPost("/stream", StreamAsync).WithSummary("As /api/ask, as Server-Sent Events: 'token' events, then one 'done' event with the full response.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        app.MapGet("/api/modes", ModesAsync).WithTags("Ask").RequireReader()
            .WithSummary("The registered answering modes, each with whether it can answer on ?collection= (default: default) right now, and why not.");
        return app;
    }

    /// <summary>Judged over the caller's view: the same view their questions get (<see cref="CallerScope.ReaderScope"/>, as in <see cref="AskMappings"/>).</summary>
    private static async Task<List<AnswerMode>> ModesAsync(string? collection, AnswerModeAvailability availability, HttpContext context, CancellationToken cancellationToken) =>
        [.. (await availability.CheckAllAsync(collection, context.ReaderScope(), cancellationToken))
            .Select(m => new AnswerMode(m.Mode.Name, m.Mode.Description, m.Mode.UsesRetrieval, m.Availability.Available, m.Availability.Reason))];

    private static async Task<AskResponse> AskAsync(AskRequest request, IQuestionAnswerer answerer, HttpContext context, CancellationToken cancellationToken) =>
        (await answerer.AskAsync(request.ToDomain(context), cancellationToken)).ToContract();

    private static async Task StreamAsync(AskRequest request, IQuestionAnswerer answerer, HttpContext context, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        var serializer = json.Value.SerializerOptions;
        await using var updates = answerer.AskStreamingAsync(request.ToDomain(context), cancellationToken).GetAsyncEnumerator(cancellationToken);
        // Validation errors surface on the first step; they become ordinary problem responses, before any event is sent.
        var hasFirst = await updates.MoveNextAsync();

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            for (var more = hasFirst; more; more = await updates.MoveNextAsync())
            {
                switch (updates.Current)
                {
                    case AnswerEvent.Token token:
                        await WriteEventAsync(context.Response, AskStreamEvent.TokenName, JsonSerializer.Serialize(new AskTokenEvent(token.Text), serializer), cancellationToken);
                        break;
                    case AnswerEvent.Completed done:
                        await WriteEventAsync(context.Response, AskStreamEvent.DoneName, JsonSerializer.Serialize(done.Result.ToContract(), serializer), cancellationToken);
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Headers are gone; report the failure in-band so the client can show it.
            var (status, title) = ProblemExceptionHandler.Classify(ex);
            await WriteEventAsync(context.Response, AskStreamEvent.ErrorName,
                JsonSerializer.Serialize(new AskErrorEvent(status, title, status == 500 ? "An unexpected error occurred; see the server log." : ex.Message), serializer),
                CancellationToken.None);
        }
    }

    private static async Task WriteEventAsync(HttpResponse response, string name, string data, CancellationToken cancellationToken)
    {
        await response.WriteAsync($"event: {name}\ndata: {data}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
