using System.Diagnostics;
using System.Numerics.Tensors;
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
            chunks[i] = new Chunk($"chunk{i:D7}", documentId, documentId, Collection, i % 20, "", text, 0, text.Length, GroupsOf(i / 20));
        }
        var queries = Enumerable.Range(0, queryCount).Select(_ => corpus.NextText(corpus.NextInt(3, 9))).ToArray();

        if (only != "dense") await RunBm25Async(chunks, queries, cancellationToken);
        // A non-zero exit code when the dense index missed the brute-force top K on any query.
        if (only != "bm25" && !await RunDenseAsync(chunks, dimensions, queryCount, cancellationToken)) return 1;
        return 0;
    }

    /// <summary>Documents take turns: everyone's, g1's, g2's, g1's and g2's. Searching everything ignores them.</summary>
    private static IReadOnlyList<string>? GroupsOf(int document) => (document % 4) switch { 0 => null, 1 => ["g1"], 2 => ["g2"], _ => ["g1", "g2"] };

    /// <summary>Readers' views timed beside everything: one group (3/4 of the chunks readable) and no group (the public 1/4).</summary>
    private static readonly (string Name, ReaderScope Scope)[] Views =
        [("view of g1 (3/4 readable)", ReaderScope.OfGroups(["g1"])), ("view of none (1/4 readable)", ReaderScope.OfGroups([]))];

    private static async Task RunBm25Async(Chunk[] chunks, string[] queries, CancellationToken cancellationToken)
    {
        using var store = new TemporaryDocumentStore();
        var bm25 = new Bm25Index(store.Documents);
        var started = Stopwatch.GetTimestamp();
        foreach (var batch in chunks.Chunk(4096))
            await bm25.AddAsync(batch, cancellationToken);
        Console.WriteLine($"bm25 indexing:  {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
        foreach (var query in queries.Take(50))
            bm25.Search(Collection, query, TopK, cancellationToken);
        var lexical = new LatencyRecorder();
        foreach (var query in queries)
            await lexical.TimeAsync(() => Task.FromResult(bm25.Search(Collection, query, TopK, cancellationToken)));
        Console.WriteLine($"bm25 search:    {lexical.Summary()}");
        foreach (var (name, scope) in Views)
        {
            var scoped = new LatencyRecorder();
            foreach (var query in queries)
                await scoped.TimeAsync(() => Task.FromResult(bm25.Search(Collection, query, TopK, scope, cancellationToken)));
            Console.WriteLine($"bm25 search, {name}: {scoped.Summary()}");
        }
        Console.WriteLine($"memory:         {MemoryReport.Describe()} (bm25 index)");
        GC.KeepAlive(bm25);
    }

    private static async Task<bool> RunDenseAsync(Chunk[] chunks, int dimensions, int queryCount, CancellationToken cancellationToken)
    {
        var stream = new MemoryBandwidth();
        var bandwidth = stream.BestBytesPerSecond();
        Console.WriteLine($"memory bandwidth: {bandwidth / 1e9:F2} GB/s (one thread, streaming read of 512 MiB, best of 7)");
        // The index as the lab runs it: float32 rows in segment files under a directory of its own.
        var directory = Path.Combine(Path.GetTempPath(), "raglab-dense-" + Guid.NewGuid().ToString("n"));
        try
        {
            // A generator of its own, so the exactness check can replay the same vectors after the timed run.
            var vectorSource = new SyntheticCorpus(vocabularySize: 1, seed: VectorSeed);
            var heapBefore = MemoryReport.CollectedHeapBytes();
            var residentBefore = MemoryReport.Resident();
            using var vectors = new ExactVectorIndex(new ExactVectorIndexOptions(directory));
            var started = Stopwatch.GetTimestamp();
            foreach (var batch in chunks.Chunk(4096))
                await vectors.UpsertAsync(batch.Select(c => new EmbeddedChunk(c, vectorSource.NextVector(dimensions))).ToArray(), cancellationToken);
            Console.WriteLine($"dense indexing: {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms");
            var queryVectors = Enumerable.Range(0, queryCount).Select(_ => vectorSource.NextVector(dimensions)).ToArray();
            foreach (var vector in queryVectors.Take(20))
                vectors.Search(Collection, vector, TopK, out _);

            // Memory: what building and querying the index added to the process (live managed heap, plus any file pages
            // mapped into it); the float32 files themselves sit in the operating system's page cache.
            var heap = MemoryReport.CollectedHeapBytes() - heapBefore;
            var resident = MemoryReport.Resident();
            var mapped = resident.File - residentBefore.File + resident.Shared - residentBefore.Shared;
            var matrix = (long)chunks.Length * dimensions * sizeof(float);
            var files = new DirectoryInfo(directory).EnumerateFiles("*.f32", SearchOption.AllDirectories).Sum(f => f.Length);
            Console.WriteLine($"dense memory:   {MemoryReport.Mib(heap + mapped)} = managed heap {MemoryReport.Mib(heap)} (int8 codes and bounds " +
                              $"{MemoryReport.Mib(vectors.HeldVectorBytes)}, row→chunk maps) + file pages mapped {MemoryReport.Mib(mapped)}; " +
                              $"{(double)(heap + mapped) / matrix:F3}× the bare float32 matrix ({MemoryReport.Mib(matrix)}); " +
                              $"float32 segment files {MemoryReport.Mib(files)} (page cache)");

            // Each query, then the bandwidth bound for the bytes it read (the int8 codes and per-row bounds of every row,
            // plus the float32 rows rescored) timed right after it, as a streaming read of that many bytes.
            var rowBytes = (long)chunks.Length * (dimensions + 12);
            var dense = new LatencyRecorder();
            var bound = new List<double>(queryCount);
            var rescored = new List<int>(queryCount);
            foreach (var vector in queryVectors)
            {
                var count = 0;
                await dense.TimeAsync(() => Task.FromResult(vectors.Search(Collection, vector, TopK, out count)));
                rescored.Add(count);
                bound.Add(stream.TimeRead(rowBytes + (long)count * dimensions * sizeof(float)) * 1000);
            }
            Console.WriteLine($"dense search:   {dense.Summary()}");
            foreach (var (name, scope) in Views)
            {
                var scoped = new LatencyRecorder();
                foreach (var vector in queryVectors)
                    await scoped.TimeAsync(() => Task.FromResult(vectors.Search(Collection, vector, TopK, scope, out _)));
                Console.WriteLine($"dense search, {name}: {scoped.Summary()}");
            }
            var boundP50 = bound.Order().ElementAt(bound.Count / 2);
            var bestBound = (rowBytes + rescored.Average() * dimensions * sizeof(float)) / bandwidth * 1000;
            Console.WriteLine($"dense bound:    {MemoryReport.Mib(rowBytes)} scanned + {rescored.Average():F1} float32 rows rescored per query; streaming that many bytes " +
                              $"beside each query: p50 {boundP50:F3} ms, so the index p50 is {dense.Percentile(50) / boundP50:F3}× the bound " +
                              $"(against the best-pass bandwidth: {bestBound:F3} ms, {dense.Percentile(50) / bestBound:F3}×)");
            return await CheckDenseAgainstFullScanAsync(vectors, chunks, dimensions, queryVectors, cancellationToken);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
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

    internal static string? StringOption(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    internal static int IntOption(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        if (at < 0) return fallback;
        if (at + 1 >= args.Length || !int.TryParse(args[at + 1], out var value) || value < 1)
            throw new ArgumentException($"{name} needs a positive whole number, e.g. {name} {fallback}.");
        return value;
    }
}
