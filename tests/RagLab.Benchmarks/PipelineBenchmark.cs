using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RagLab.Core.Evaluation.Beir;
using RagLab.Core.Evaluation.Metrics;
using RagLab.Core.Evaluation.Runs;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Generation;
using RagLab.Core.Ingestion;
using RagLab.Core.Jobs;
using RagLab.Core.Retrieval;
using RagLab.Infrastructure;
using RagLab.Core.Kernel;

namespace RagLab.Benchmarks;

/// <summary>
/// The whole embedded stack in-process, as a user runs it: a generic host with <c>AddRagLab()</c> over a fresh data directory
/// and no model server (Ollama pointed at a closed port), a BEIR folder imported through <see cref="BeirImporter"/>, then
/// BM25 through the real retriever. Prints upload→ready time, memory, latency, document-level quality and eval loop time.
/// </summary>
internal static class PipelineBenchmark
{
    private const int Depth = 100;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("pipeline: give a BEIR folder, e.g. `-- pipeline /data/scifact`.");
            return 2;
        }
        var dataDirectory = Path.Combine(Path.GetTempPath(), "raglab-pipeline-" + Guid.NewGuid().ToString("n"));
        try
        {
            // `--model minilm` keeps the in-process model on: BM25 is measured while the embed job runs beside it.
            var model = args.SkipWhile(a => a != "--model").Skip(1).FirstOrDefault() ?? "off";
            using var host = BuildHost(dataDirectory, model);
            var started = Stopwatch.GetTimestamp();
            await host.StartAsync(cancellationToken);
            var startup = Stopwatch.GetElapsedTime(started);
            try
            {
                return await MeasureAsync(host.Services, args[0], startup, cancellationToken);
            }
            finally
            {
                await host.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static IHost BuildHost(string dataDirectory, string embeddingModel)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(EmbeddedLabSettings.For(dataDirectory, embeddingModel));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter(typeof(IngestBatchJobHandler).FullName, LogLevel.Information); // its per-stage timings
        builder.AddRagLab();
        return builder.Build();
    }

    private static async Task<int> MeasureAsync(IServiceProvider services, string directory, TimeSpan startup, CancellationToken cancellationToken)
    {
        var importer = services.GetRequiredService<BeirImporter>();
        var jobs = services.GetRequiredService<IJobStore>();
        var documents = services.GetRequiredService<IDocumentStore>();

        // Upload → ready: from the call to the importer until the job has indexed every document.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var import = await importer.ImportAsync(directory, null, "test", null, cancellationToken);
        var accepted = Stopwatch.GetElapsedTime(started);
        var cpuAccepted = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var job = import.JobId is null ? null : await WaitAsync(jobs, import.JobId, cancellationToken);
        var ready = Stopwatch.GetElapsedTime(started);
        var cpuReady = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        if (job is { Status: JobStatus.Failed })
        {
            Console.Error.WriteLine($"pipeline: the ingest job failed: {job.Error}");
            return 1;
        }
        var records = await documents.ListAsync(import.Collection, cancellationToken);
        var rssIndexed = ResidentMiB();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var rssAfterGc = ResidentMiB();

        var evalStore = services.GetRequiredService<IEvalStore>();
        var items = await evalStore.GetItemsAsync(import.EvalSetId, cancellationToken);
        var dataset = BeirDataset.Open(directory);
        var qrels = await dataset.ReadQrelsAsync("test", cancellationToken);
        var relevance = qrels.ToDictionary(q => q.Key,
            q => (IReadOnlyDictionary<string, int>)q.Value.ToDictionary(j => BeirImporter.DocumentIdFor(import.Collection, j.Key), j => j.Value, StringComparer.Ordinal),
            StringComparer.Ordinal);

        var bm25 = (await services.GetRequiredService<IRetrieverCatalog>().ResolveAsync(RetrieverNames.Bm25, import.Collection, cancellationToken)).Retriever;
        foreach (var item in items) // warm-up: JIT and caches
            await bm25.RetrieveAsync(new RetrievalQuery(item.Question, import.Collection, Depth), cancellationToken);
        var latency = new LatencyRecorder();
        var at10 = new List<RetrievalMetrics>();
        var at100 = new List<RetrievalMetrics>();
        var chunksPerDocumentInTop = new List<double>();
        foreach (var item in items)
        {
            var hits = await latency.TimeAsync(() => bm25.RetrieveAsync(new RetrievalQuery(item.Question, import.Collection, Depth), cancellationToken));
            // Document level: each document at the rank of its best chunk, as the eval runner scores it.
            var ranking = hits.OrderBy(h => h.Rank).Select(h => h.Chunk.DocumentId).Distinct(StringComparer.Ordinal).ToArray();
            chunksPerDocumentInTop.Add(hits.Count / (double)Math.Max(1, ranking.Length));
            at10.Add(RetrievalMetrics.ForQuery(ranking, relevance[item.Id], 10));
            at100.Add(RetrievalMetrics.ForQuery(ranking, relevance[item.Id], 100));
        }

        var evalLoop = await TimeEvalLoopAsync(services, import.EvalSetId, cancellationToken);
        var single = await TimeSingleUploadsAsync(services, dataset, SingleUploads, cancellationToken);

        Console.WriteLine($"dataset:            {dataset.Directory} (collection '{import.Collection}', eval set {import.EvalSetId})");
        Console.WriteLine($"host start:         {startup.TotalMilliseconds:F0} ms");
        Console.WriteLine($"upload accepted:    {accepted.TotalSeconds:F2} s ({import.Documents:N0} documents, {import.Queries} queries, job {import.JobId ?? "none"}; process CPU {cpuAccepted.TotalSeconds:F2} s)");
        Console.WriteLine($"upload → ready:     {ready.TotalSeconds:F2} s (indexing job {(ready - accepted).TotalSeconds:F2} s; process CPU {cpuReady.TotalSeconds:F2} s in all, all threads; load average {LoadAverage()})");
        Console.WriteLine($"documents:          {records.Count(r => r.Status == DocumentStatus.Ready):N0} ready, {records.Count(r => r.Status == DocumentStatus.Failed)} failed, {records.Sum(r => r.Chunks):N0} chunks (chunk budget {BeirImporter.ChunkTokens} tokens)");
        Console.WriteLine($"RSS after indexing: {rssIndexed:F1} MiB; after a full GC {rssAfterGc:F1} MiB (GC heap {GC.GetTotalMemory(false) / (1024.0 * 1024.0):F1} MiB)");
        Console.WriteLine($"bm25 (retriever):   {latency.Summary()}");
        Console.WriteLine($"nDCG@10 (doc):      {RetrievalMetrics.Mean(at10).Ndcg:F4}");
        Console.WriteLine($"Recall@100 (doc):   {RetrievalMetrics.Mean(at100).Recall:F4} (top {Depth} chunks; {chunksPerDocumentInTop.Average():F3} chunks per distinct document)");
        Console.WriteLine($"eval loop:          {evalLoop}");
        Console.WriteLine($"single uploads:     {single}");
        Console.WriteLine($"RSS at the end:     {ResidentMiB():F1} MiB");
        return 0;
    }

    /// <summary>The real <see cref="EvalRunner"/>: mode rag (extractive answers: no chat model) with the bm25 retriever, all questions.</summary>
    private static async Task<string> TimeEvalLoopAsync(IServiceProvider services, string setId, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<IEvalStore>();
        var runner = new EvalRunner(store, services.GetRequiredService<IQuestionAnswerer>(), services.GetRequiredService<IRetrieverCatalog>(),
            services.GetRequiredService<IDocumentStore>(), new MetricsScorer());
        var run = await store.CreateRunAsync(new EvalRunRequest(setId, ["rag"], [RetrieverNames.Bm25], TopK: 5, Parallelism: 2), cancellationToken);
        var started = Stopwatch.GetTimestamp();
        var summary = await runner.RunAsync(run.Id, new NoProgress(), cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var retrieval = summary.Retrievers.Single();
        var ndcg10 = retrieval.Scores.Single(s => s.K == 10).Ndcg;
        var recall100 = retrieval.Scores.Single(s => s.K == 100).Recall;
        return $"{elapsed.TotalSeconds:F2} s for {summary.Questions} questions (EvalRunner, rag mode with extractive answers + bm25 retrieval records; " +
               $"its nDCG@10 {ndcg10:F4}, Recall@100 {recall100:F4}, {retrieval.Errors} errors)";
    }

    private const int SingleUploads = 200;

    /// <summary>The one-document path for comparison: uploads through SubmitAsync (one ingest job each) until all are ready.</summary>
    private static async Task<string> TimeSingleUploadsAsync(IServiceProvider services, BeirDataset dataset, int count, CancellationToken cancellationToken)
    {
        var ingestion = services.GetRequiredService<IIngestionService>();
        var jobs = services.GetRequiredService<IJobStore>();
        var receipts = new List<IngestionReceipt>();
        var started = Stopwatch.GetTimestamp();
        await foreach (var document in dataset.ReadCorpusAsync(cancellationToken))
        {
            var upload = DocumentUpload.FromText(BeirImporter.DocumentNameFor(document.Id), document.Title + "\n\n" + document.Text);
            receipts.Add(await ingestion.SubmitAsync("single-uploads", upload.Name, upload.Content, cancellationToken));
            if (receipts.Count == count) break;
        }
        var accepted = Stopwatch.GetElapsedTime(started);
        foreach (var receipt in receipts.Where(r => r.JobId is not null))
            await WaitAsync(jobs, receipt.JobId!, cancellationToken);
        var ready = Stopwatch.GetElapsedTime(started);
        return $"{count} documents one by one: accepted in {accepted.TotalSeconds:F2} s, all ready in {ready.TotalSeconds:F2} s ({count / ready.TotalSeconds:F0} documents/s)";
    }

    /// <summary>Polls the job store until the job has finished, either way.</summary>
    internal static async Task<JobRecord> WaitAsync(IJobStore jobs, string jobId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = await jobs.GetAsync(jobId, cancellationToken) ?? throw new InvalidOperationException($"Job {jobId} vanished.");
            if (job.Status is JobStatus.Succeeded or JobStatus.Failed) return job;
            await Task.Delay(10, cancellationToken);
        }
    }

    /// <summary>The 1-minute load average: on a shared machine it says how much of the wall time was waiting for a core.</summary>
    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    /// <summary>VmRSS of this process from /proc/self/status, in MiB (the working set elsewhere).</summary>
    internal static double ResidentMiB()
    {
        const string path = "/proc/self/status";
        if (File.Exists(path))
        {
            foreach (var line in File.ReadLines(path))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal)) continue;
                var kib = long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                return kib / 1024.0;
            }
        }
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }

    private sealed class MetricsScorer : IRetrievalScorer
    {
        public RetrievalAtK Score(IReadOnlyList<string> ranked, IReadOnlySet<string> relevant, int k)
        {
            var m = RetrievalMetrics.ForQuery(ranked, relevant.ToDictionary(r => r, _ => 1, StringComparer.Ordinal), k);
            return new RetrievalAtK(k, m.Ndcg, m.Recall, m.Precision, m.ReciprocalRank, m.HitRate);
        }
    }

    private sealed class NoProgress : IJobProgress
    {
        public Task ReportAsync(double fraction, string? message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
