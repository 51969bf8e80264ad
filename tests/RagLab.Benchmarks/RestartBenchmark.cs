using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RagLab.Core.Retrieval;
using RagLab.Infrastructure;
using RagLab.Infrastructure.Storage;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.Indexing;

namespace RagLab.Benchmarks;

/// <summary>
/// A restart with N embedded chunks in the data directory, as a user lives it: a data directory is filled once through
/// the store (synthetic documents of 20 chunks, 384-d vectors), then a fresh host with <c>AddRagLab()</c> is started on
/// it, and the time to the first answered dense and BM25 queries is printed. Also prints what the two halves of a load
/// cost alone: streaming the chunks and vectors out of SQLite, and upserting the vectors into a dense index.
/// Each restart stops gracefully, so both indexes save their snapshots: from the second restart on, the unchanged
/// collection comes back from them (BM25 postings, dense row ids and int8 codes) and no chunk is read from SQLite.
/// Each restart runs in a process of its own and prints its times since that process started, with the process CPU
/// time (the machine is shared: CPU time varies less with load); at the end each index's restore is timed alone.
/// </summary>
internal static class RestartBenchmark
{
    private const string Collection = "restart";
    private const int ChunksPerDocument = 20;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var chunkCount = SyntheticBenchmark.IntOption(args, "--chunks", 100_000);
        var dimensions = SyntheticBenchmark.IntOption(args, "--dims", 384);
        var restarts = SyntheticBenchmark.IntOption(args, "--restarts", 2);
        var given = SyntheticBenchmark.StringOption(args, "--data-dir");
        var dataDirectory = given ?? Path.Combine(Path.GetTempPath(), "raglab-restart-" + Guid.NewGuid().ToString("n"));
        Console.WriteLine($"restart: {chunkCount:N0} chunks, {dimensions} dimensions, data directory {dataDirectory}");
        try
        {
            await FillAsync(dataDirectory, chunkCount, dimensions, cancellationToken);
            if (!args.Contains("--no-halves")) await MeasureHalvesAsync(dataDirectory, cancellationToken);
            for (var run = 1; run <= restarts; run++) await RestartAsync(dataDirectory, run, dimensions, cancellationToken);
            await MeasureRestoresAsync(dataDirectory, cancellationToken);
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (given is null && Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static IHost BuildHost(string dataDirectory)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RagLab:DataDirectory"] = dataDirectory,
            ["RagLab:Ollama:Endpoint"] = "http://127.0.0.1:9",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter(typeof(EmbeddedIndexLoader).FullName, LogLevel.Information); // its load time
        builder.AddRagLab();
        return builder.Build();
    }

    /// <summary>Writes the synthetic documents through the store, unless a previous run (--data-dir) already did.</summary>
    private static async Task FillAsync(string dataDirectory, int chunkCount, int dimensions, CancellationToken cancellationToken)
    {
        using var host = BuildHost(dataDirectory);
        var store = host.Services.GetRequiredService<SqlDocumentStore>();
        var existing = (await store.ListAsync(Collection, cancellationToken)).Sum(d => d.Chunks);
        if (existing == chunkCount)
        {
            Console.WriteLine($"fill:           reusing {existing:N0} chunks already in the data directory");
            return;
        }
        if (existing != 0) throw new ArgumentException($"{dataDirectory} holds {existing:N0} chunks, not {chunkCount:N0}; give an empty --data-dir.");

        var started = Stopwatch.GetTimestamp();
        var corpus = new SyntheticCorpus(vocabularySize: 50_000, seed: 42);
        var vectors = new SyntheticCorpus(vocabularySize: 1, seed: 4242);
        var now = DateTimeOffset.UtcNow;
        var batch = new List<DocumentContent>();
        for (var first = 0; first < chunkCount; first += ChunksPerDocument)
        {
            var documentId = $"doc{first / ChunksPerDocument:D6}";
            var chunks = new List<Chunk>();
            var embeddings = new Dictionary<string, float[]>(StringComparer.Ordinal);
            var text = new System.Text.StringBuilder();
            for (var i = first; i < Math.Min(chunkCount, first + ChunksPerDocument); i++)
            {
                var chunkText = corpus.NextText(corpus.NextInt(80, 220));
                var chunk = new Chunk($"chunk{i:D7}", documentId, documentId + ".txt", Collection, i - first, "", chunkText, text.Length, text.Length + chunkText.Length);
                text.Append(chunkText).Append('\n');
                chunks.Add(chunk);
                embeddings[chunk.Id] = vectors.NextVector(dimensions);
            }
            var record = new DocumentRecord(documentId, Collection, documentId + ".txt", DocumentStatus.Ready, chunks.Count, text.Length, "hash-" + documentId, now);
            batch.Add(new DocumentContent(record, text.ToString(), chunks, embeddings));
            if (batch.Count == 500) await WriteAsync(store, batch, cancellationToken);
        }
        await WriteAsync(store, batch, cancellationToken);
        await store.BumpGenerationAsync(Collection, cancellationToken);
        Console.WriteLine($"fill:           {chunkCount:N0} chunks written through the store in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s " +
                          $"(database {MemoryReport.Mib(new FileInfo(Path.Combine(dataDirectory, "raglab.db")).Length)})");

        static async Task WriteAsync(SqlDocumentStore store, List<DocumentContent> batch, CancellationToken cancellationToken)
        {
            await store.SaveManyAsync(batch.Select(b => b.Document).ToList(), cancellationToken);
            await store.ReplaceContentManyAsync(batch, cancellationToken);
            batch.Clear();
        }
    }

    /// <summary>What a load from the database costs, in two halves measured alone.</summary>
    private static async Task MeasureHalvesAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var store = new SqlDocumentStore(new SqliteDatabase(Path.Combine(dataDirectory, "raglab.db")));
        var started = Stopwatch.GetTimestamp();
        var rows = new List<(Chunk Chunk, float[]? Embedding)>();
        await foreach (var row in store.ReadAllChunksAsync(Collection, cancellationToken)) rows.Add(row);
        Console.WriteLine($"load, halves:   reading {rows.Count:N0} chunks and vectors from SQLite {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s");
        started = Stopwatch.GetTimestamp();
        using (var index = new ExactVectorIndex(new ExactVectorIndexOptions(Path.Combine(dataDirectory, "halves"))))
        {
            foreach (var batch in rows.Chunk(2048))
                await index.UpsertAsync(batch.Select(r => new EmbeddedChunk(r.Chunk, r.Embedding)).ToList(), cancellationToken);
        }
        Console.WriteLine($"                upserting them into a dense index {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s");
        Directory.Delete(Path.Combine(dataDirectory, "halves"), recursive: true);
    }

    /// <summary>One restart in a process of its own, as a user lives it (runtime start and JIT compilation included).</summary>
    private static async Task RestartAsync(string dataDirectory, int run, int dimensions, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var process = Environment.ProcessPath!;
        var info = new ProcessStartInfo(process) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(process) == "dotnet") info.ArgumentList.Add(typeof(RestartBenchmark).Assembly.Location);
        foreach (var argument in new[] { "restart-once", "--data-dir", dataDirectory, "--dims", dimensions.ToString(), "--run", run.ToString() })
            info.ArgumentList.Add(argument);
        using var child = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {process}.");
        await child.WaitForExitAsync(cancellationToken);
        if (child.ExitCode != 0) throw new InvalidOperationException($"Restart {run} failed (exit code {child.ExitCode}); see its output above.");
        Console.WriteLine($"                process {run} ran {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s in all (its graceful stop and snapshot save included)");
    }

    /// <summary>
    /// The child of <see cref="RestartAsync"/>: starts the host on the data directory, answers a dense and a BM25 query,
    /// prints the times since this process started, and stops gracefully (which saves the snapshots).
    /// </summary>
    public static async Task<int> RunOnceAsync(string[] args, CancellationToken cancellationToken)
    {
        var processStarted = Process.GetCurrentProcess().StartTime;
        TimeSpan SinceStart() => DateTime.Now - processStarted;
        var dataDirectory = SyntheticBenchmark.StringOption(args, "--data-dir") ?? throw new ArgumentException("restart-once needs --data-dir.");
        var dimensions = SyntheticBenchmark.IntOption(args, "--dims", 384);
        var run = SyntheticBenchmark.IntOption(args, "--run", 1);
        using var host = BuildHost(dataDirectory);
        await host.StartAsync(cancellationToken); // the loader fills the indexes before StartAsync returns
        var loaded = SinceStart();
        var query = new SyntheticCorpus(vocabularySize: 1, seed: run).NextVector(dimensions);
        var dense = await host.Services.GetRequiredService<IVectorIndex>().SearchAsync(Collection, query, 10, ReaderScope.Everything, cancellationToken);
        var denseAnswered = SinceStart();
        var bm25 = await host.Services.GetRequiredService<ILexicalIndex>().SearchAsync(Collection, dense[0].Chunk.Text[..40], 10, ReaderScope.Everything, cancellationToken);
        var bm25Answered = SinceStart();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        Console.WriteLine($"restart {run}:      since the process started: host started and indexes loaded {loaded.TotalSeconds:F2} s; first dense answer {denseAnswered.TotalSeconds:F2} s " +
                          $"({dense.Count} hits), first bm25 answer {bm25Answered.TotalSeconds:F2} s ({bm25.Count} hits); process CPU {cpu.TotalSeconds:F2} s; " +
                          $"RSS {MemoryReport.Mib(Environment.WorkingSet)}; load average {LoadAverage()}");
        await host.StopAsync(cancellationToken);
        return 0;
    }

    /// <summary>Each index's snapshot restore alone (wall and CPU), on the snapshots the last restart saved.</summary>
    private static async Task MeasureRestoresAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var store = new SqlDocumentStore(new SqliteDatabase(Path.Combine(dataDirectory, "raglab.db")));
        var generations = new Dictionary<string, long> { [Collection] = await store.GetGenerationAsync(Collection, cancellationToken) };
        var snapshots = new DirectoryInfo(dataDirectory).EnumerateFiles("*.snapshot", SearchOption.AllDirectories).ToList();
        Console.WriteLine($"snapshots:      {string.Join(", ", snapshots.Select(f => $"{Path.GetRelativePath(dataDirectory, f.FullName)} {MemoryReport.Mib(f.Length)}"))}");
        // Three rounds: the first pays for JIT compilation as a fresh process does; the others show the restore itself.
        for (var round = 1; round <= 3; round++)
        foreach (var (name, open) in new (string, Func<IIndexSnapshots>)[]
        {
            ("bm25", () => new Bm25Index(store, RagLab.Core.Retrieval.Analysis.EnglishAnalyzer.Instance, new Bm25Options(), Path.Combine(dataDirectory, "bm25"))),
            ("dense", () => new ExactVectorIndex(new ExactVectorIndexOptions(Path.Combine(dataDirectory, "vectors")), store)),
        })
        {
            GC.Collect();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            var index = open();
            var restored = index.Restore(generations).Count;
            Console.WriteLine($"restore alone:  round {round}, {name} {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s wall, " +
                              $"{(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F2} s CPU ({restored} collection); load average {LoadAverage()}");
            ((IDisposable)index).Dispose();
        }
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
