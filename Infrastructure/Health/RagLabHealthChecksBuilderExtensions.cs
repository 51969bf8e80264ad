using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Health;

/// <summary>Registers RagLab's dependency checks on <c>services.AddHealthChecks()</c>.</summary>
public static class RagLabHealthChecksBuilderExtensions
{
    /// <summary>Name of the HttpClient the HTTP dependency checks use.</summary>
    public const string HttpClientName = "RagLab.Health";

    /// <summary>Adds <see cref="ModelServerHealthCheck"/> over the registered <see cref="IModelProvider"/>.</summary>
    public static IHealthChecksBuilder AddModelServerCheck(this IHealthChecksBuilder builder, string name = "models", IEnumerable<string>? tags = null) =>
        builder.Add(new HealthCheckRegistration(
            name,
            services => new ModelServerHealthCheck(services.GetRequiredService<IModelProvider>()),
            HealthStatus.Degraded,
            tags));

    /// <summary>
    /// Adds an <see cref="HttpDependencyHealthCheck"/>; <paramref name="probe"/> is built on first use, so it can read
    /// options or connection strings from the container, e.g.
    /// <c>AddHttpDependencyCheck("vectordb", sp => HttpDependencyProbe.QdrantReadiness(uri, key), HealthStatus.Degraded)</c>.
    /// </summary>
    public static IHealthChecksBuilder AddHttpDependencyCheck(
        this IHealthChecksBuilder builder,
        string name,
        Func<IServiceProvider, HttpDependencyProbe> probe,
        HealthStatus failureStatus = HealthStatus.Unhealthy,
        IEnumerable<string>? tags = null)
    {
        builder.Services.AddHttpClient(HttpClientName);
        return builder.Add(new HealthCheckRegistration(
            name,
            services => new HttpDependencyHealthCheck(
                services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), probe(services), failureStatus),
            failureStatus,
            tags));
    }

    /// <summary>Adds a <see cref="DelegateHealthCheck"/> whose probe comes from the container (e.g. the Redis adapter's ping).</summary>
    public static IHealthChecksBuilder AddDelegateCheck(
        this IHealthChecksBuilder builder,
        string name,
        string dependencyName,
        Func<IServiceProvider, Func<CancellationToken, Task<bool>>> probe,
        HealthStatus failureStatus = HealthStatus.Degraded,
        IEnumerable<string>? tags = null) =>
        builder.Add(new HealthCheckRegistration(
            name,
            services => new DelegateHealthCheck(dependencyName, probe(services), failureStatus),
            failureStatus,
            tags));
}
