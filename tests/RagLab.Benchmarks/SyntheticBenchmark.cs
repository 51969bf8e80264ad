using System.Diagnostics;
using RagLab.Core.Ingestion;
using RagLab.Core.Retrieval;

namespace RagLab.Benchmarks;

/// <summary>
/// Latency at scale on deterministic synthetic data: BM25 over N chunks of Zipf-distributed words, and exact
/// cosine search over N random vectors. Prints p50/p95 per index and the process memory.
/// </summary>
internal static class SyntheticBenchmark
{
    private const string Collection = "synthetic";
    private const int TopK = 10;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var chunkCount = IntOption(args, "--chunks", 100_000);
        var dimensions = IntOption(args, "--dims", 384);
        var queryCount = IntOption(args, "--queries", 300);
        var only = StringOption(args, "--only");
        if (only is not (null or "bm25" or "dense"))
            throw new ArgumentException("--only takes bm25 or dense.");
        Console.WriteLine($"synthetic: {chunkCount:N0} chunks, {dimensions} dimensions, {queryCount} queries, top {TopK}");

        var corpus = new SyntheticCorpus(vocabularySize: 50_000, seed: 42);
        var chunks = new Chunk[chunkCount];
        for (var i = 0; i < chunkCount; i++)
        {
            var text = corpus.NextText(corpus.NextInt(80, 220));
            var documentId = $"doc{i / 20:D6}";
            chunks[i] = new Chunk($"chunk{i:D7}", documentId, documentId, Collection, i % 20, "", text, 0, text.Length);
        }
        var queries = Enumerable.Range(0, queryCount).Select(_ => corpus.NextText(corpus.NextInt(3, 9))).ToArray();

        if (only != "dense") await RunBm25Async(chunks, queries, cancellationToken);
        if (only != "bm25") await RunDenseAsync(chunks, corpus, dimensions, queryCount, cancellationToken);
        return 0;
    }

    private static async Task RunBm25Async(Chunk[] chunks, string[] queries, CancellationToken cancellationToken)
    {
        var bm25 = new Bm25Index();
        var started = Stopwatch.GetTimestamp();
        foreach (var batch in chunks.Chunk(4096))
            await bm25.AddAsync(batch, cancellationToken);
        Console.WriteLine($"bm25 indexing:  {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
        foreach (var query in queries.Take(50))
            await bm25.SearchAsync(Collection, query, TopK, cancellationToken);
        var lexical = new LatencyRecorder();
        foreach (var query in queries)
            await lexical.TimeAsync(() => bm25.SearchAsync(Collection, query, TopK, cancellationToken));
        Console.WriteLine($"bm25 search:    {lexical.Summary()}");
        Console.WriteLine($"memory:         {MemoryReport.Describe()} (bm25 index)");
        GC.KeepAlive(bm25);
    }

    private static async Task RunDenseAsync(Chunk[] chunks, SyntheticCorpus corpus, int dimensions, int queryCount, CancellationToken cancellationToken)
    {
        var vectors = new ExactVectorIndex();
        var started = Stopwatch.GetTimestamp();
        foreach (var batch in chunks.Chunk(4096))
            await vectors.UpsertAsync(batch.Select(c => new EmbeddedChunk(c, corpus.NextVector(dimensions))).ToArray(), cancellationToken);
        Console.WriteLine($"dense indexing: {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
        var queryVectors = Enumerable.Range(0, queryCount).Select(_ => corpus.NextVector(dimensions)).ToArray();
        foreach (var vector in queryVectors.Take(20))
            await vectors.SearchAsync(Collection, vector, TopK, cancellationToken);
        var dense = new LatencyRecorder();
        foreach (var vector in queryVectors)
            await dense.TimeAsync(() => vectors.SearchAsync(Collection, vector, TopK, cancellationToken));
        Console.WriteLine($"dense search:   {dense.Summary()}");
        Console.WriteLine($"memory:         {MemoryReport.Describe()} (dense index)");
        GC.KeepAlive(vectors);
    }

    private static string? StringOption(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        if (at < 0) return fallback;
        if (at + 1 >= args.Length || !int.TryParse(args[at + 1], out var value) || value < 1)
            throw new ArgumentException($"{name} needs a positive whole number, e.g. {name} {fallback}.");
        return value;
    }
}
