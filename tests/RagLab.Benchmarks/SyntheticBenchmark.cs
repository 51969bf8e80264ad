using System.Diagnostics;
using System.Numerics.Tensors;
using RagLab.Core.Ingestion;
using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;

namespace RagLab.Benchmarks;

/// <summary>
/// Latency at scale on deterministic synthetic data: BM25 over N chunks of Zipf-distributed words, and exact
/// cosine search over N random vectors. Prints p50/p95 per index and the process memory; for the dense index also
/// a float32 full scan timed alongside, and whether every query returned exactly that scan's top K.
/// </summary>
internal static class SyntheticBenchmark
{
    private const string Collection = "synthetic";
    private const int TopK = 10;
    private const int VectorSeed = 4242;

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
        // A non-zero exit code when the dense index missed the brute-force top K on any query.
        if (only != "bm25" && !await RunDenseAsync(chunks, dimensions, queryCount, cancellationToken)) return 1;
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

    private static async Task<bool> RunDenseAsync(Chunk[] chunks, int dimensions, int queryCount, CancellationToken cancellationToken)
    {
        // A generator of its own, so the exactness check can replay the same vectors after the timed run.
        var vectorSource = new SyntheticCorpus(vocabularySize: 1, seed: VectorSeed);
        var vectors = new ExactVectorIndex();
        var started = Stopwatch.GetTimestamp();
        foreach (var batch in chunks.Chunk(4096))
            await vectors.UpsertAsync(batch.Select(c => new EmbeddedChunk(c, vectorSource.NextVector(dimensions))).ToArray(), cancellationToken);
        Console.WriteLine($"dense indexing: {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
        var queryVectors = Enumerable.Range(0, queryCount).Select(_ => vectorSource.NextVector(dimensions)).ToArray();
        foreach (var vector in queryVectors.Take(20))
            await vectors.SearchAsync(Collection, vector, TopK, cancellationToken);
        var dense = new LatencyRecorder();
        foreach (var vector in queryVectors)
            await dense.TimeAsync(() => vectors.SearchAsync(Collection, vector, TopK, cancellationToken));
        Console.WriteLine($"dense search:   {dense.Summary()}");
        Console.WriteLine($"memory:         {MemoryReport.Describe()} (dense index)");
        return await CheckDenseAgainstFullScanAsync(vectors, chunks, dimensions, queryVectors, cancellationToken);
    }

    /// <summary>
    /// Replays the vectors into a plain float32 matrix and, query by query, times the index and a one-thread float32
    /// full scan back to back (same load on the machine) and checks the index returned exactly the scan's top K.
    /// </summary>
    private static async Task<bool> CheckDenseAgainstFullScanAsync(
        ExactVectorIndex index, Chunk[] chunks, int dimensions, float[][] queryVectors, CancellationToken cancellationToken)
    {
        var vectorSource = new SyntheticCorpus(vocabularySize: 1, seed: VectorSeed);
        var matrix = new float[(long)chunks.Length * dimensions];
        for (var row = 0; row < chunks.Length; row++) Normalize(vectorSource.NextVector(dimensions), matrix.AsSpan(row * dimensions, dimensions));

        var indexed = new LatencyRecorder();
        var fullScan = new LatencyRecorder();
        var exact = 0;
        foreach (var query in queryVectors)
        {
            var actual = await indexed.TimeAsync(() => index.SearchAsync(Collection, query, TopK, cancellationToken));
            var expected = await fullScan.TimeAsync(() => Task.FromResult(FullScanTopK(matrix, chunks, dimensions, query)));
            if (expected.SequenceEqual(actual.Select(r => (r.Chunk.Id, r.Score)))) exact++;
        }
        Console.WriteLine($"dense, paired:  index p50 {indexed.Percentile(50):F3} ms, p95 {indexed.Percentile(95):F3} ms; " +
                          $"float32 full scan (1 thread) p50 {fullScan.Percentile(50):F3} ms, p95 {fullScan.Percentile(95):F3} ms");
        Console.WriteLine($"dense exactness: {exact}/{queryVectors.Length} queries return the full scan's top {TopK} (ids, order and scores)");
        return exact == queryVectors.Length;
    }

    /// <summary>Cosine by brute force, normalizing as the index does; ties go to the smaller chunk id (row order here).</summary>
    private static List<(string Id, double Score)> FullScanTopK(float[] matrix, Chunk[] chunks, int dimensions, float[] query)
    {
        var unitQuery = new float[dimensions];
        Normalize(query, unitQuery);
        var best = new List<(int Row, float Score)>(TopK + 1);
        for (var row = 0; row < chunks.Length; row++)
        {
            var score = TensorPrimitives.Dot(matrix.AsSpan(row * dimensions, dimensions), unitQuery);
            if (best.Count == TopK && score <= best[^1].Score) continue;
            var at = best.FindIndex(b => score > b.Score);
            best.Insert(at < 0 ? best.Count : at, (row, score));
            if (best.Count > TopK) best.RemoveAt(TopK);
        }
        return best.Select(b => (chunks[b.Row].Id, (double)b.Score)).ToList();
    }

    private static void Normalize(ReadOnlySpan<float> vector, Span<float> unit)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0) TensorPrimitives.Divide(vector, norm, unit);
        else unit.Clear();
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
