using System.Diagnostics;
using RagLab.Core.Evaluation.Beir;
using RagLab.Core.Evaluation.Metrics;
using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;
using RagLab.Core.Tests.Retrieval;
using RagLab.Infrastructure.Storage;

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
        using var store = new TemporaryDocumentStore();
        var index = new Bm25Index(store.Documents);
        var texts = new List<(string Id, string Text)>();

        var started = Stopwatch.GetTimestamp();
        var batch = new List<Chunk>(1024);
        var documents = 0;
        await foreach (var document in dataset.ReadCorpusAsync(cancellationToken))
        {
            var text = document.Title + "\n" + document.Text;
            batch.Add(new Chunk(document.Id, document.Id, document.Title, Collection, 0, "", text, 0, text.Length));
            texts.Add((document.Id, text));
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
            index.Search(Collection, query.Text, Depth, cancellationToken);

        var latency = new LatencyRecorder();
        var at10 = new List<RetrievalMetrics>();
        var at100 = new List<RetrievalMetrics>();
        foreach (var query in queries)
        {
            var results = await latency.TimeAsync(() => Task.FromResult(index.Search(Collection, query.Text, Depth, cancellationToken)));
            var ranking = results.Select(r => r.ChunkId).ToArray();
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

        // The same searches with the top 100 read back from SQLite, as the retriever gets them (the index keeps no text).
        var hydrated = new LatencyRecorder();
        await StoreChunksAsync(store.Documents, texts, cancellationToken);
        foreach (var query in queries.Take(50)) await index.SearchAsync(Collection, query.Text, Depth, cancellationToken);
        foreach (var query in queries)
            await hydrated.TimeAsync(() => index.SearchAsync(Collection, query.Text, Depth, cancellationToken));
        Console.WriteLine($"with chunks:    {hydrated.Summary()} (top {Depth} read back from SQLite)");

        // The term-at-a-time scorer the index used before MaxScore: the top 100 must be identical, query by query.
        var reference = new ReferenceBm25(Core.Retrieval.Analysis.EnglishAnalyzer.Instance, new Bm25Options(), texts);
        var identical = queries.Count(q => reference.Search(q.Text, Depth).SequenceEqual(index.Search(Collection, q.Text, Depth, cancellationToken).Select(m => (m.ChunkId, m.Score))));
        Console.WriteLine($"exactness:      {identical}/{queries.Count} queries return the term-at-a-time scorer's top {Depth} (ids, order and scores)");
        GC.KeepAlive(index);
        return identical == queries.Count ? 0 : 1;
    }

    private static async Task StoreChunksAsync(SqlDocumentStore store, List<(string Id, string Text)> texts, CancellationToken cancellationToken)
    {
        foreach (var part in texts.Chunk(1000))
        {
            var entries = part.Select(t => new DocumentContent(
                new DocumentRecord(t.Id, Collection, t.Id, DocumentStatus.Ready, 1, t.Text.Length, t.Id, DateTimeOffset.UtcNow), t.Text,
                [new Chunk(t.Id, t.Id, t.Id, Collection, 0, "", t.Text, 0, t.Text.Length)], null)).ToList();
            await store.SaveManyAsync([.. entries.Select(e => e.Document)], cancellationToken);
            await store.ReplaceContentManyAsync(entries, cancellationToken);
        }
    }
}
