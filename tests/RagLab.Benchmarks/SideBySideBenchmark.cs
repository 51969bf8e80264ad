using System.Diagnostics;
using RagLab.Core.Evaluation.Beir;
using RagLab.Core.Evaluation.Metrics;
using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;

namespace RagLab.Benchmarks;

/// <summary>
/// RagLab's BM25 index beside Lucene.Net 4.8 (as Anserini configures it, see <see cref="LuceneBm25"/>) in one process:
/// build time, index memory (managed heap growth), and query latency with the two engines interleaved query by query,
/// printed as RagLab/Lucene ratios. Both build on one thread. Lucene is merged to one segment before searching (not
/// counted in its build time); its timed search is query analysis plus TopDocs, without reading stored ids.
/// </summary>
internal static class SideBySideBenchmark
{
    private const string Collection = "bench";
    private const int BatchSize = 4096;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        switch (args.FirstOrDefault())
        {
            case "scifact" when args.Length >= 2:
                return await RunScifactAsync(args[1], cancellationToken);
            case "synthetic":
            {
                var chunks = SyntheticBenchmark.IntOption(args, "--chunks", 100_000);
                var queries = SyntheticBenchmark.IntOption(args, "--queries", 1000);
                Console.WriteLine($"side by side, synthetic: {chunks:N0} passages, {queries} queries, top 10");
                await CompareAsync(() => SyntheticPassages(chunks), SyntheticQueries(queries), 10, null, cancellationToken);
                return 0;
            }
            default:
                Console.Error.WriteLine("lucene: give `scifact <beir-dir>` or `synthetic [--chunks 100000] [--queries 1000]`.");
                return 2;
        }
    }

    private static async Task<int> RunScifactAsync(string directory, CancellationToken cancellationToken)
    {
        var dataset = BeirDataset.Open(directory);
        var documents = new List<(string Id, string Text)>();
        await foreach (var document in dataset.ReadCorpusAsync(cancellationToken))
            documents.Add((document.Id, document.Title + "\n" + document.Text));
        var qrels = await dataset.ReadQrelsAsync("test", cancellationToken);
        var queries = new List<BeirQuery>();
        await foreach (var query in dataset.ReadQueriesAsync(cancellationToken))
        {
            if (qrels.ContainsKey(query.Id)) queries.Add(query);
        }
        Console.WriteLine($"side by side, SciFact: {documents.Count:N0} documents, {queries.Count} test queries, top 100");
        // SciFact has 300 test queries; five rounds of them give steadier percentiles.
        var rounds = Enumerable.Repeat(queries, 5).SelectMany(q => q).ToList();
        await CompareAsync(() => documents, rounds.Select(q => q.Text).ToArray(), 100, (rankings, luceneRankings) =>
        {
            var ours = queries.Select((q, i) => RetrievalMetrics.ForQuery(rankings[i], qrels[q.Id], 10)).ToList();
            var theirs = queries.Select((q, i) => RetrievalMetrics.ForQuery(luceneRankings[i], qrels[q.Id], 10)).ToList();
            var ours100 = queries.Select((q, i) => RetrievalMetrics.ForQuery(rankings[i], qrels[q.Id], 100)).ToList();
            var theirs100 = queries.Select((q, i) => RetrievalMetrics.ForQuery(luceneRankings[i], qrels[q.Id], 100)).ToList();
            Console.WriteLine($"quality:        RagLab nDCG@10 {RetrievalMetrics.Mean(ours).Ndcg:F4}, Recall@100 {RetrievalMetrics.Mean(ours100).Recall:F4}; " +
                              $"Lucene nDCG@10 {RetrievalMetrics.Mean(theirs).Ndcg:F4}, Recall@100 {RetrievalMetrics.Mean(theirs100).Recall:F4}");
        }, cancellationToken);
        return 0;
    }

    private static async Task CompareAsync(Func<IEnumerable<(string Id, string Text)>> documents, string[] queries, int topK,
        Action<string[][], string[][]>? quality, CancellationToken cancellationToken)
    {
        using var store = new TemporaryDocumentStore();
        await WarmUpAsync(documents().Take(2000).ToList(), store, cancellationToken);

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var started = Stopwatch.GetTimestamp();
        var index = new Bm25Index(store.Documents);
        var batch = new List<Chunk>(BatchSize);
        foreach (var (id, text) in documents())
        {
            batch.Add(new Chunk(id, id, id, Collection, 0, "", text, 0, text.Length));
            if (batch.Count < BatchSize) continue;
            await index.AddAsync(batch, cancellationToken);
            batch.Clear();
        }
        await index.AddAsync(batch, cancellationToken);
        batch.Clear();
        var ragBuild = Stopwatch.GetElapsedTime(started);
        var ragBytes = GC.GetTotalMemory(forceFullCollection: true) - before;

        before = GC.GetTotalMemory(forceFullCollection: true);
        started = Stopwatch.GetTimestamp();
        using var lucene = new LuceneBm25();
        foreach (var (id, text) in documents()) lucene.Add(id, text);
        lucene.Commit();
        var luceneBuild = Stopwatch.GetElapsedTime(started);
        started = Stopwatch.GetTimestamp();
        lucene.OptimizeAndOpen();
        var luceneMerge = Stopwatch.GetElapsedTime(started);
        var luceneBytes = GC.GetTotalMemory(forceFullCollection: true) - before;

        foreach (var query in queries.Take(100))
        {
            index.Search(Collection, query, topK, cancellationToken);
            lucene.Search(lucene.ParseQuery(query), topK);
        }

        var ours = new LatencyRecorder();
        var theirs = new LatencyRecorder();
        var rankings = new string[queries.Length][];
        var luceneRankings = new string[queries.Length][];
        for (var i = 0; i < queries.Length; i++)
        {
            var query = queries[i];
            // Interleaved, alternating which engine goes first, so both see the same machine load.
            if (i % 2 == 0)
            {
                rankings[i] = Time(ours, () => index.Search(Collection, query, topK, cancellationToken)).Select(m => m.ChunkId).ToArray();
                luceneRankings[i] = Ids(lucene, Time(theirs, () => lucene.Search(lucene.ParseQuery(query), topK)));
            }
            else
            {
                luceneRankings[i] = Ids(lucene, Time(theirs, () => lucene.Search(lucene.ParseQuery(query), topK)));
                rankings[i] = Time(ours, () => index.Search(Collection, query, topK, cancellationToken)).Select(m => m.ChunkId).ToArray();
            }
        }
        var overlap = rankings.Zip(luceneRankings, (a, b) => a.Length == 0 ? 1.0 : (double)a.Take(10).Intersect(b.Take(10)).Count() / Math.Min(10, a.Length)).Average();

        Console.WriteLine($"build:          RagLab {ragBuild.TotalSeconds:F2} s, Lucene {luceneBuild.TotalSeconds:F2} s (+{luceneMerge.TotalSeconds:F2} s merging to one segment, not counted); ratio {ragBuild / luceneBuild:F2}");
        Console.WriteLine($"index memory:   RagLab {Mib(ragBytes)} (own estimate {Mib(index.EstimateBytes(Collection))}), Lucene {Mib(luceneBytes)} (RAMDirectory {Mib(lucene.DirectoryBytes)}); ratio {(double)ragBytes / luceneBytes:F2}");
        Console.WriteLine($"search p50:     RagLab {ours.Percentile(50):F3} ms, Lucene {theirs.Percentile(50):F3} ms; ratio {ours.Percentile(50) / theirs.Percentile(50):F2}");
        Console.WriteLine($"search p95:     RagLab {ours.Percentile(95):F3} ms, Lucene {theirs.Percentile(95):F3} ms; ratio {ours.Percentile(95) / theirs.Percentile(95):F2}");
        Console.WriteLine($"top-10 overlap: {overlap:P1} (Lucene scores with 1-byte length norms, RagLab with exact lengths)");
        quality?.Invoke(rankings, luceneRankings);
        GC.KeepAlive(index);
    }

    // Both engines run Lucene's analysis classes: JIT them (and each engine's own code) before either build is timed.
    private static async Task WarmUpAsync(List<(string Id, string Text)> sample, TemporaryDocumentStore store, CancellationToken cancellationToken)
    {
        var index = new Bm25Index(store.Documents);
        await index.AddAsync(sample.Select(d => new Chunk(d.Id, d.Id, d.Id, "warm-up", 0, "", d.Text, 0, d.Text.Length)).ToList(), cancellationToken);
        using var lucene = new LuceneBm25();
        foreach (var (id, text) in sample) lucene.Add(id, text);
        lucene.Commit();
        lucene.OptimizeAndOpen();
    }

    private static T Time<T>(LatencyRecorder recorder, Func<T> search) => recorder.TimeAsync(() => Task.FromResult(search())).GetAwaiter().GetResult();

    private static string[] Ids(LuceneBm25 lucene, Lucene.Net.Search.TopDocs top) => top.ScoreDocs.Select(d => lucene.IdOf(d.Doc)).ToArray();

    /// <summary>The synthetic mode's passages (same seed, same order), generated on the fly so the text is never all in memory.</summary>
    internal static IEnumerable<(string Id, string Text)> SyntheticPassages(int count)
    {
        var corpus = new SyntheticCorpus(vocabularySize: 50_000, seed: 42);
        for (var i = 0; i < count; i++)
            yield return ($"chunk{i:D7}", corpus.NextText(corpus.NextInt(80, 220)));
    }

    internal static string[] SyntheticQueries(int count)
    {
        var corpus = new SyntheticCorpus(vocabularySize: 50_000, seed: 42, streamSeed: 7);
        return Enumerable.Range(0, count).Select(_ => corpus.NextText(corpus.NextInt(3, 9))).ToArray();
    }

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MiB";
}
