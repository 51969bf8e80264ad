using Microsoft.AspNetCore.Http.HttpResults;
using RagLab.Contracts;
using RagLab.Core.Ingestion;

namespace RagLab.Api.Apis;

/// <summary>Re-embed: make every vector of a collection again with the configured embedding model (after a change of model).</summary>
public static class ReembedApi
{
    public static IEndpointRouteBuilder MapReembedApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/collections/{name}/reembed", ReembedAsync).WithTags("Documents").RequireWriter()
            .WithSummary("Re-embed a collection with the configured embedding model, as a job (progress: count and rate at GET /api/jobs/{jobId}); " +
                "dense and hybrid answer for it again once it has finished. A re-embed already running is returned as it is.")
            .Produces<JobAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Accepted<JobAccepted>> ReembedAsync(string name, VectorReembedding reembedding, CancellationToken cancellationToken)
    {
        var job = await reembedding.StartAsync(name, cancellationToken);
        return TypedResults.Accepted($"/api/jobs/{job.Id}", new JobAccepted(job.Id));
    }
}
