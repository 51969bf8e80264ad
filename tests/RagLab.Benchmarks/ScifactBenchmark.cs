using System.Diagnostics;
using RagLab.Core.Evaluation.Beir;
using RagLab.Core.Evaluation.Metrics;
using RagLab.Core.Ingestion;
using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;

namespace RagLab.Benchmarks;

/// <summary>
/// BM25 on a BEIR folder (SciFact by default), the way Anserini's "flat" BEIR baseline does it: one chunk per
/// document holding title + "\n" + text, k1 = 0.9, b = 0.4; nDCG@10 and Recall@100 over the test qrels.
/// </summary>
internal static class ScifactBenchmark
{
    private const string Collection = "scifact";
    private const int Depth = 100;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("scifact: give the BEIR SciFact folder, e.g. `-- scifact /data/scifact`.");
            return 2;
        }
        var dataset = BeirDataset.Open(args[0]);
        var index = new Bm25Index();

        var started = Stopwatch.GetTimestamp();
        var batch = new List<Chunk>(1024);
        var documents = 0;
        await foreach (var document in dataset.ReadCorpusAsync(cancellationToken))
        {
            var text = document.Title + "\n" + document.Text;
            batch.Add(new Chunk(document.Id, document.Id, document.Title, Collection, 0, "", text, 0, text.Length));
            documents++;
            if (batch.Count == batch.Capacity)
            {
                await index.AddAsync(batch, cancellationToken);
                batch.Clear();
            }
        }
        await index.AddAsync(batch, cancellationToken);
        var indexing = Stopwatch.GetElapsedTime(started);

        var qrels = await dataset.ReadQrelsAsync("test", cancellationToken);
        var queries = new List<BeirQuery>();
        await foreach (var query in dataset.ReadQueriesAsync(cancellationToken))
        {
            if (qrels.ContainsKey(query.Id)) queries.Add(query);
        }

        // A warm-up pass (JIT, caches), then the measured pass.
        foreach (var query in queries)
            await index.SearchAsync(Collection, query.Text, Depth, cancellationToken);

        var latency = new LatencyRecorder();
        var at10 = new List<RetrievalMetrics>();
        var at100 = new List<RetrievalMetrics>();
        foreach (var query in queries)
        {
            var results = await latency.TimeAsync(() => index.SearchAsync(Collection, query.Text, Depth, cancellationToken));
            var ranking = results.Select(r => r.Chunk.Id).ToArray();
            at10.Add(RetrievalMetrics.ForQuery(ranking, qrels[query.Id], 10));
            at100.Add(RetrievalMetrics.ForQuery(ranking, qrels[query.Id], 100));
        }
        var mean10 = RetrievalMetrics.Mean(at10);
        var mean100 = RetrievalMetrics.Mean(at100);

        Console.WriteLine($"dataset:        {dataset.Directory}");
        Console.WriteLine($"documents:      {documents:N0} ({index.Count(Collection):N0} indexed)");
        Console.WriteLine($"indexing time:  {indexing.TotalMilliseconds:F0} ms");
        Console.WriteLine($"test queries:   {queries.Count} (of {qrels.Count} with qrels)");
        Console.WriteLine($"nDCG@10:        {mean10.Ndcg:F4}");
        Console.WriteLine($"Recall@100:     {mean100.Recall:F4}");
        Console.WriteLine($"MRR@10:         {mean10.ReciprocalRank:F4}");
        Console.WriteLine($"query latency:  {latency.Summary()}");
        Console.WriteLine($"memory:         {MemoryReport.Describe()}");
        GC.KeepAlive(index);
        return 0;
    }
}
