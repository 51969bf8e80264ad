using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RagLab.Contracts;
using RagLab.Core.FineTuning;
using RagLab.Core.FineTuning.Training;
using RagLab.Core.Kernel;

namespace RagLab.Api.Apis;

public static class FineTunesApi
{
    public static IEndpointRouteBuilder MapFineTunesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/finetunes").WithTags("Fine-tuning").RequireReader();
        api.MapPost("/", CreateAsync).RequireWriter()
            .WithSummary("Fine-tune on a dataset (local LoRA trainer or an OpenAI-compatible fine-tuning API), as a job: validating → queued → running → registering → succeeded | failed | cancelled. The result becomes the collection's active version raglab-<collection>-v<N>.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/", ListAsync).WithSummary("Fine-tuning jobs, newest first, optionally of one collection.");
        api.MapGet("/{id}", GetAsync).WithSummary("A fine-tuning job: status, step, model, error.").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/{id}/cancel", CancelAsync).RequireWriter().WithSummary("Cancel a job; the trainer is asked to stop and nothing is registered.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/{id}/events", EventsAsync)
            .WithSummary("The job's events (status changes, losses, messages) after sequence 'after': JSON, or with Accept: text/event-stream a stream that ends when the job does.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/versions", ListVersionsAsync).WithSummary("The registered fine-tuned models, newest first, optionally of one collection, with losses, training time, cost and the forgetting probe.");
        api.MapPost("/versions/{id}/activate", ActivateAsync).RequireWriter().WithSummary("Make a version the one its collection's finetuned and hybrid modes use (activate, or roll back).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/versions/{id}", DeleteVersionAsync).RequireWriter().WithSummary("Delete a version, and its model where it is served (Ollama or the fine-tuning API).")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/api/models", ModelsAsync).WithTags("Fine-tuning").RequireReader().WithSummary("The connected chat model, the configured trainers and every collection's fine-tuned versions.");
        return app;
    }

    private static async Task<Accepted<FineTuneResponse>> CreateAsync(CreateFineTuneRequest body, FineTuneService service, CancellationToken cancellationToken)
    {
        var job = await service.StartAsync(new FineTuneRequest(body.DatasetId ?? "", body.Backend, body.BaseModel, body.Hyperparameters.ToDomain()), cancellationToken);
        return TypedResults.Accepted($"/api/finetunes/{job.Id}", job.ToContract());
    }

    private static async Task<Ok<List<FineTuneResponse>>> ListAsync(string? collection, IFineTuneStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListJobsAsync(string.IsNullOrEmpty(collection) ? null : CollectionName.Normalize(collection), cancellationToken))
            .Select(j => j.ToContract()).ToList());

    private static async Task<Ok<FineTuneResponse>> GetAsync(string id, IFineTuneStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.GetJobAsync(id, cancellationToken) ?? throw FineTuneService.UnknownJob(id)).ToContract());

    private static async Task<Accepted<FineTuneResponse>> CancelAsync(string id, FineTuneService service, CancellationToken cancellationToken) =>
        TypedResults.Accepted($"/api/finetunes/{id}", (await service.CancelAsync(id, cancellationToken)).ToContract());

    private static async Task EventsAsync(string id, long? after, HttpContext context, IFineTuneStore store, IOptions<JsonOptions> json, CancellationToken cancellationToken)
    {
        _ = await store.GetJobAsync(id, cancellationToken) ?? throw FineTuneService.UnknownJob(id);
        var serializer = json.Value.SerializerOptions;
        var sequence = after ?? 0;
        if (!context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            var events = await store.GetEventsAsync(id, sequence, cancellationToken);
            await context.Response.WriteAsJsonAsync(events.Select(e => e.ToContract()).ToList(), serializer, cancellationToken);
            return;
        }

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        // The worker may be another process: the store is polled, and the stream ends once the job has finished and its last event is sent.
        while (!cancellationToken.IsCancellationRequested)
        {
            var finished = (await store.GetJobAsync(id, cancellationToken))!.Status.IsFinished();
            foreach (var e in await store.GetEventsAsync(id, sequence, cancellationToken))
            {
                await context.Response.WriteAsync($"id: {e.Sequence}\nevent: {JsonNamingPolicy.CamelCase.ConvertName(e.Kind.ToString())}\ndata: {JsonSerializer.Serialize(e.ToContract(), serializer)}\n\n", cancellationToken);
                sequence = e.Sequence;
            }
            await context.Response.Body.FlushAsync(cancellationToken);
            if (finished) return;
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }
    }

    private static async Task<Ok<List<ModelVersionResponse>>> ListVersionsAsync(string? collection, IFineTuneStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ListVersionsAsync(string.IsNullOrEmpty(collection) ? null : CollectionName.Normalize(collection), cancellationToken))
            .Select(v => v.ToContract()).ToList());

    private static async Task<Ok<ModelVersionResponse>> ActivateAsync(string id, FineTuneService service, CancellationToken cancellationToken) =>
        TypedResults.Ok((await service.ActivateAsync(id, cancellationToken)).ToContract());

    private static async Task<NoContent> DeleteVersionAsync(string id, FineTuneService service, CancellationToken cancellationToken)
    {
        await service.DeleteVersionAsync(id, cancellationToken); // a server that does not answer: 503, and the version is kept
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ModelsResponse>> ModelsAsync(IModelProvider models, IEnumerable<ITrainerBackend> trainers, IFineTuneStore store, CancellationToken cancellationToken)
    {
        var status = await models.GetStatusAsync(cancellationToken);
        var health = new List<TrainerResponse>();
        foreach (var trainer in trainers)
        {
            var h = await trainer.GetHealthAsync(cancellationToken);
            health.Add(new TrainerResponse(trainer.Name, h.Reachable, h.Gpu, h.GpuMemoryGb, h.Error));
        }
        var versions = await store.ListVersionsAsync(null, cancellationToken);
        return TypedResults.Ok(new ModelsResponse(status.ChatModel, status.ChatAvailable, health, [.. versions.Select(v => v.ToContract())]));
    }
}
