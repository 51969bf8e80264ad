using Microsoft.Extensions.Diagnostics.HealthChecks;
using RagLab.Infrastructure.Indexing;

namespace RagLab.Infrastructure.Health;

/// <summary>Not ready until the in-process indexes hold everything the database has.</summary>
public sealed class IndexLoadedHealthCheck(EmbeddedIndexLoader loader) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(loader.IsLoaded
            ? HealthCheckResult.Healthy("In-process indexes loaded.")
            : HealthCheckResult.Unhealthy("Loading the in-process indexes from the database."));
}
