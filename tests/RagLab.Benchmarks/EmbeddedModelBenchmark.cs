using System.Diagnostics;
using System.Runtime.Intrinsics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RagLab.Infrastructure;
using RagLab.Infrastructure.Embeddings;
using RagLab.Core.Evaluation.Beir;
using RagLab.Core.Evaluation.Metrics;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Jobs;
using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;

namespace RagLab.Benchmarks;

/// <summary>
/// The in-process embedding model on a BEIR folder, through the real ingestion path: <c>AddRagLab()</c> with no model server,
/// the import job (BM25 at once), then the background embed job. Prints corpus embedding time and rate against the FLOPs bound,
/// query-embedding and hybrid latency, bm25/dense/hybrid nDCG@10 (document level) and resident memory.
/// </summary>
internal static class EmbeddedModelBenchmark
{
    private const int Depth = 100;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("embedded: give a BEIR folder, e.g. `-- embedded /data/scifact [minilm|arctic-xs] [threads]`.");
            return 2;
        }
        var model = EmbeddedModel.FromKey(args.ElementAtOrDefault(1) ?? "minilm") ?? throw new ArgumentException("model 'off' has nothing to measure");
        var dataDirectory = Path.Combine(Path.GetTempPath(), "raglab-embedded-" + Guid.NewGuid().ToString("n"));
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["RagLab:DataDirectory"] = dataDirectory,
                ["RagLab:Ollama:Endpoint"] = "http://127.0.0.1:9",
                ["RagLab:Embeddings:Model"] = model.Key,
                ["RagLab:Embeddings:Threads"] = args.ElementAtOrDefault(2) ?? "0",
            });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.AddRagLab();
            using var host = builder.Build();
            await host.StartAsync(cancellationToken);
            try
            {
                return await MeasureAsync(host.Services, args[0], model, cancellationToken);
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

    private static async Task<int> MeasureAsync(IServiceProvider services, string directory, EmbeddedModel model, CancellationToken cancellationToken)
    {
        var generator = services.GetRequiredService<OnnxEmbeddingGenerator>();
        var embeddingStore = services.GetRequiredService<IChunkEmbeddingStore>();
        var jobs = services.GetRequiredService<IJobStore>();
        var documents = services.GetRequiredService<IDocumentStore>();

        var started = Stopwatch.GetTimestamp();
        var import = await services.GetRequiredService<BeirImporter>().ImportAsync(directory, null, "test", null, cancellationToken);
        if (import.JobId is not null) await WaitAsync(jobs, import.JobId, cancellationToken);
        var bm25Ready = Stopwatch.GetElapsedTime(started);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var pending = await embeddingStore.CountChunksWithoutEmbeddingAsync(model.ModelId, cancellationToken);
        while (await embeddingStore.CountChunksWithoutEmbeddingAsync(model.ModelId, cancellationToken) > 0)
            await Task.Delay(200, cancellationToken);
        var embedded = Stopwatch.GetElapsedTime(started) - bm25Ready;
        var embedCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
        // Let the index loader and caches settle (the embed job bumps generations).
        await Task.Delay(2500, cancellationToken);

        var chunks = new List<string>();
        await foreach (var (chunk, _) in documents.ReadAllChunksAsync(import.Collection, cancellationToken)) chunks.Add(chunk.Text);
        var meanPieces = chunks.Average(t => generator.Tokenize(t).Count);

        var items = await services.GetRequiredService<IEvalStore>().GetItemsAsync(import.EvalSetId, cancellationToken);
        var qrels = await BeirDataset.Open(directory).ReadQrelsAsync("test", cancellationToken);
        var relevance = qrels.ToDictionary(q => q.Key,
            q => (IReadOnlyDictionary<string, int>)q.Value.ToDictionary(j => BeirImporter.DocumentIdFor(import.Collection, j.Key), j => j.Value, StringComparer.Ordinal),
            StringComparer.Ordinal);

        // Query embedding alone, on the generator (no cache in front).
        for (var i = 0; i < 20; i++) await generator.GenerateAsync([$"warm-up question number {i}"], cancellationToken: cancellationToken);
        var queryLatency = new LatencyRecorder();
        foreach (var item in items) await queryLatency.TimeAsync(() => generator.GenerateAsync([item.Question], cancellationToken: cancellationToken));

        var catalog = services.GetRequiredService<IRetrieverCatalog>();
        var lines = new List<string>();
        // Hybrid first, so each query is embedded for real (later retrievers may hit the embedding cache).
        foreach (var name in new[] { RetrieverNames.Hybrid, RetrieverNames.Dense, RetrieverNames.Bm25 })
        {
            var retriever = (await catalog.ResolveAsync(name, import.Collection, cancellationToken)).Retriever;
            var latency = new LatencyRecorder();
            var at10 = new List<RetrievalMetrics>();
            foreach (var item in items)
            {
                var hits = await latency.TimeAsync(() => retriever.RetrieveAsync(new RetrievalQuery(item.Question, import.Collection, Depth), cancellationToken));
                var ranking = hits.OrderBy(h => h.Rank).Select(h => h.Chunk.DocumentId).Distinct(StringComparer.Ordinal).ToArray();
                at10.Add(RetrievalMetrics.ForQuery(ranking, relevance[item.Id], 10));
            }
            lines.Add($"{name,-7} nDCG@10 {RetrievalMetrics.Mean(at10).Ndcg:F4}   latency {latency.Summary()}");
        }

        var flopsPerToken = FlopsPerToken(model, meanPieces);
        var machine = MeasureMachineGflops();
        var rate = pending / embedded.TotalSeconds;
        var boundRate = machine * 1e9 / (flopsPerToken * meanPieces);
        Console.WriteLine($"model:              {model.ModelId} ({model.Key}), {model.Pooling} pooling, cut at {model.MaxWordPieces} word pieces, {Environment.ProcessorCount} cores");
        Console.WriteLine($"corpus:             {import.Documents:N0} documents, {chunks.Count:N0} chunks, {meanPieces:F1} word pieces per chunk");
        Console.WriteLine($"bm25 ready after:   {bm25Ready.TotalSeconds:F1} s (upload → ready)");
        Console.WriteLine($"corpus embedding:   {embedded.TotalSeconds:F1} s for {pending:N0} chunks = {rate:F1} docs/s (process CPU {embedCpu.TotalSeconds:F1} s = {pending / embedCpu.TotalSeconds * Environment.ProcessorCount:F1} docs/s if every core were ours; load average {load})");
        Console.WriteLine($"FLOPs bound:        {flopsPerToken / 1e6:F1} MFLOPs/token × {meanPieces:F0} tokens; machine {machine:F0} GFLOP/s (FMA, all cores, measured now) → ≤ {boundRate:F0} docs/s; reached {100 * rate / boundRate:F0}%");
        Console.WriteLine($"query embedding:    {queryLatency.Summary()}");
        foreach (var line in lines) Console.WriteLine(line);
        Console.WriteLine($"RSS:                {Environment.WorkingSet / (1024.0 * 1024.0):F0} MiB with the corpus embedded and indexed");
        return 0;
    }

    /// <summary>
    /// Multiply-adds of one token through a BERT encoder: Q, K, V, output (4·d²) and the feed-forward pair (2·d·4d) per layer,
    /// plus attention scores and the weighted sum (2·L·d per layer); 2 FLOPs each.
    /// </summary>
    private static double FlopsPerToken(EmbeddedModel model, double sequence)
    {
        const int layers = 6; // both bundled models are 6-layer, 384-wide BERTs (intermediate 1536)
        double d = model.Dimensions, ff = 4 * d;
        return 2 * layers * (4 * d * d + 2 * d * ff + 2 * sequence * d);
    }

    /// <summary>Peak FP32 FMA throughput this process gets now, on every core (independent accumulators hide the FMA latency).</summary>
    private static double MeasureMachineGflops()
    {
        var width = Vector512.IsHardwareAccelerated ? 16 : Vector256.IsHardwareAccelerated ? 8 : 4;
        const long iterations = 50_000_000;
        var started = Stopwatch.GetTimestamp();
        Parallel.For(0, Environment.ProcessorCount, _ =>
        {
            if (width == 16) Fma512(iterations); else Fma256(iterations);
        });
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return Environment.ProcessorCount * iterations * 8.0 * width * 2 / seconds / 1e9;
    }

    private static float Fma512(long n)
    {
        var a0 = Vector512.Create(1f); var a1 = a0; var a2 = a0; var a3 = a0; var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
        var m = Vector512.Create(0.999999f); var c = Vector512.Create(1e-7f);
        for (long i = 0; i < n; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c); a1 = Vector512.FusedMultiplyAdd(a1, m, c); a2 = Vector512.FusedMultiplyAdd(a2, m, c); a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c); a5 = Vector512.FusedMultiplyAdd(a5, m, c); a6 = Vector512.FusedMultiplyAdd(a6, m, c); a7 = Vector512.FusedMultiplyAdd(a7, m, c);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }

    private static float Fma256(long n)
    {
        var a0 = Vector256.Create(1f); var a1 = a0; var a2 = a0; var a3 = a0; var a4 = a0; var a5 = a0; var a6 = a0; var a7 = a0;
        var m = Vector256.Create(0.999999f); var c = Vector256.Create(1e-7f);
        for (long i = 0; i < n; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c); a1 = Vector256.FusedMultiplyAdd(a1, m, c); a2 = Vector256.FusedMultiplyAdd(a2, m, c); a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c); a5 = Vector256.FusedMultiplyAdd(a5, m, c); a6 = Vector256.FusedMultiplyAdd(a6, m, c); a7 = Vector256.FusedMultiplyAdd(a7, m, c);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7);
    }

    private static async Task WaitAsync(IJobStore jobs, string jobId, CancellationToken cancellationToken)
    {
        while ((await jobs.GetAsync(jobId, cancellationToken))?.Status is JobStatus.Queued or JobStatus.Running)
            await Task.Delay(50, cancellationToken);
    }
}
