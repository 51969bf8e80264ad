using Microsoft.AspNetCore.Http.HttpResults;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;
using RagLab.Contracts;

namespace RagLab.Api.Apis;

public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/jobs").WithTags("Jobs").RequireReader();
        api.MapGet("/", ListAsync).WithSummary("Recent jobs, newest first.");
        api.MapGet("/{id}", GetAsync).WithSummary("A job's status and progress (0 to 1).");
        return app;
    }

    private static async Task<Ok<JobResponse>> GetAsync(string id, IJobStore jobs, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(id, cancellationToken) ?? throw new NotFoundException($"No job with id '{id}'.");
        return TypedResults.Ok(job.ToContract());
    }

    private static async Task<Ok<List<JobResponse>>> ListAsync(string? kind, int? limit, IJobStore jobs, CancellationToken cancellationToken) =>
        TypedResults.Ok((await jobs.ListAsync(kind, Math.Clamp(limit ?? 50, 1, 500), cancellationToken)).Select(j => j.ToContract()).ToList());
}
