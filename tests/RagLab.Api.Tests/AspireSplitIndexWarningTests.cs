using Microsoft.Extensions.Logging;
using RagLab.Core.Jobs;

namespace RagLab.Api.Tests;

/// <summary>
/// Jobs in a Worker while the indexes are embedded: the Worker's in-process indexes are not the Api's, so both processes say
/// at start that new documents reach questions only after an Api restart, and how to fix it.
/// </summary>
public sealed class AspireSplitIndexWarningTests
{
    [Fact]
    public async Task Api_and_worker_warn_when_jobs_run_elsewhere_but_indexes_are_in_process()
    {
        await using var stack = await AspireStack.StartAsync(models: false, vectors: false);
        var apiLogs = new AspireLogCapture();
        using (var client = stack.CreateApi(runJobsInProcess: false, logs: apiLogs).CreateClient())
            await client.GetJsonAsync("/api/status");
        var workerLogs = new AspireLogCapture();
        await stack.StartWorkerAsync(logs: workerLogs);

        Assert.Contains(apiLogs.Lines, l => l.Level == LogLevel.Warning && l.Message == SeparateIndexesWarning.ApiMessage);
        Assert.Contains(workerLogs.Lines, l => l.Level == LogLevel.Warning && l.Message == SeparateIndexesWarning.WorkerMessage);
        Assert.Contains("ConnectionStrings:vectordb_http", SeparateIndexesWarning.ApiMessage);
    }

    [Fact]
    public async Task No_warning_when_qdrant_holds_the_indexes()
    {
        await using var stack = await AspireStack.StartAsync(models: false, vectors: true);
        var apiLogs = new AspireLogCapture();
        using (var client = stack.CreateApi(runJobsInProcess: false, logs: apiLogs).CreateClient())
            await client.GetJsonAsync("/api/status");
        var workerLogs = new AspireLogCapture();
        await stack.StartWorkerAsync(logs: workerLogs);

        Assert.DoesNotContain(apiLogs.Lines, l => l.Category.Contains(nameof(SeparateIndexesWarning)));
        Assert.DoesNotContain(workerLogs.Lines, l => l.Category.Contains(nameof(SeparateIndexesWarning)));
    }
}
