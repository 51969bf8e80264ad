using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RagLab.Core.Jobs;
using RagLab.Core.Ingestion;

namespace RagLab.Infrastructure.Hosting;

/// <summary>Registration of the ingestion pipeline and its job; safe to call more than once.</summary>
public static class BulkIngestionServiceCollectionExtensions
{
    /// <summary>Adds the <see cref="IngestionPipeline"/> and the <c>ingest-batch</c> job handler that every upload queues work for.</summary>
    public static IServiceCollection AddBulkIngestion(this IServiceCollection services)
    {
        services.TryAddSingleton<DocumentLocks>();
        services.TryAddSingleton<IngestionPipeline>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IJobHandler, IngestBatchJobHandler>());
        return services;
    }
}
