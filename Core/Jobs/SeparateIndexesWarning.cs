using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RagLab.Core.Jobs;

/// <summary>
/// Warns at start when jobs and questions are served by different processes while the indexes are embedded (in-process):
/// the process that indexes a document is then not the one that searches it, so new documents stay invisible to questions
/// until the Api restarts and rebuilds its indexes from the shared database. Qdrant (ConnectionStrings:vectordb_http) or
/// running jobs in the Api (RagLab:Jobs:RunInProcess=true) avoids it.
/// </summary>
public sealed class SeparateIndexesWarning(string message, ILogger<SeparateIndexesWarning> logger) : IHostedService
{
    public const string ApiMessage =
        "Background jobs run in another process (RagLab:Jobs:RunInProcess=false) but the indexes are embedded: documents the Worker " +
        "indexes are stored in the shared database, yet this process searches only what it loaded at start, so they become " +
        "searchable here only after a restart. Set ConnectionStrings:vectordb_http (Qdrant) for both processes, or RagLab:Jobs:RunInProcess=true.";

    public const string WorkerMessage =
        "This Worker indexes into embedded in-process indexes that no Api searches: documents it indexes reach the Api only " +
        "when the Api restarts and reloads the shared database. Set ConnectionStrings:vectordb_http (Qdrant) for the Api and the " +
        "Worker, or run jobs in the Api (RagLab:Jobs:RunInProcess=true) and do not start the Worker.";

    public string Message => message;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("{Warning}", message);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
