using Microsoft.Extensions.DependencyInjection;
using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Jobs;
using RagLab.Core.Storage;

namespace RagLab.Cli.Backends;

/// <summary>
/// The evaluation services the CLI needs in-process (eval store, runner as the <c>eval-run</c> job handler, scheduler).
/// AddRagLab is meant to register them itself (AddRagLabEvaluation); this only fills in when it has not, so the CLI works
/// on either side of that change without registering anything twice.
/// </summary>
public static class EvaluationServiceRegistration
{
    public static IServiceCollection AddRagLabEvaluationIfMissing(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IEvalStore))) return services;

        services.AddSingleton<IEvalStore>(sp => new SqliteEvalStore(sp.GetRequiredService<SqliteDatabase>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IRetrievalScorer, RetrievalMetricsScorer>();
        // Constructed by the container so optional dependencies (the model provider, answer modes) follow EvalRunner's constructor.
        services.AddSingleton<EvalRunner>();
        services.AddSingleton<IJobHandler>(sp => sp.GetRequiredService<EvalRunner>());
        services.AddSingleton<EvalRunScheduler>();
        return services;
    }
}
