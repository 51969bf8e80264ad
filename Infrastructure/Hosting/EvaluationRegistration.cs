using Microsoft.Extensions.DependencyInjection;
using RagLab.Core.Evaluation.Beir;
using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Generation;
using RagLab.Core.Jobs;
using RagLab.Core.Retrieval;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;
using RagLab.Core.Evaluation;

namespace RagLab.Infrastructure.Hosting;

/// <summary>Registers the evaluation lab: eval sets, runs, freshness probes, question generation and BEIR import.</summary>
public static class EvaluationRegistration
{
    /// <summary>
    /// Adds <see cref="IEvalStore"/> (in the system of record, tables created at start), the job handlers <c>eval-run</c> (<see cref="EvalRunner"/>),
    /// <c>eval-freshness</c> and <c>evalset-generate</c>, their schedulers, <see cref="FreshnessProbe"/>, <see cref="EvalSetGenerator"/>
    /// and <see cref="BeirImporter"/>. Needs the storage, models, retrieval, ingestion, generation and job services of <c>AddRagLab</c>.
    /// </summary>
    public static IServiceCollection AddRagLabEvaluation(this IServiceCollection services)
    {
        services.AddSingleton<IEvalStore>(sp => new SqlEvalStore(sp.GetRequiredService<SqlDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<EvalSchemaInitializer>();

        services.AddSingleton<IRetrievalScorer, RetrievalMetricsScorer>();
        services.AddSingleton(sp => new EvalRunner(
            sp.GetRequiredService<IEvalStore>(),
            sp.GetRequiredService<IQuestionAnswerer>(),
            sp.GetRequiredService<IRetrieverCatalog>(),
            sp.GetRequiredService<IDocumentStore>(),
            sp.GetRequiredService<IRetrievalScorer>(),
            sp.GetServices<IAnswerMode>(),
            sp.GetRequiredService<IModelProvider>()));
        services.AddSingleton<IJobHandler>(sp => sp.GetRequiredService<EvalRunner>());
        services.AddSingleton<EvalRunScheduler>();
        services.AddSingleton<EvalRunPreflight>();

        services.AddSingleton<FreshnessProbe>();
        services.AddSingleton<IJobHandler, FreshnessProbeJobHandler>();

        services.AddSingleton(sp => new EvalSetGenerator(sp.GetRequiredService<IModelProvider>(), sp.GetRequiredService<IDocumentStore>()));
        services.AddSingleton<IJobHandler, EvalSetGenerationJobHandler>();
        services.AddSingleton<EvalJobScheduler>();

        services.AddSingleton<BeirImporter>();
        return services;
    }
}
