using RagLab.Benchmarks;

// Each mode is its own class; add a case here for a new one.
return args.FirstOrDefault() switch
{
    "scifact" => await ScifactBenchmark.RunAsync(args[1..], CancellationToken.None),
    "pipeline" => await PipelineBenchmark.RunAsync(args[1..], CancellationToken.None),
    "synthetic" => await SyntheticBenchmark.RunAsync(args[1..], CancellationToken.None),
    "lucene" => await SideBySideBenchmark.RunAsync(args[1..], CancellationToken.None),
    "restart" => await RestartBenchmark.RunAsync(args[1..], CancellationToken.None),
    "restart-once" => await RestartBenchmark.RunOnceAsync(args[1..], CancellationToken.None), // one restart, started by "restart" as a child process
    "embedded" => await EmbeddedModelBenchmark.RunAsync(args[1..], CancellationToken.None),
    "load" => await LoadBenchmark.RunAsync(args[1..], CancellationToken.None),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        Usage:
          dotnet run -c Release --project tests/RagLab.Benchmarks -- scifact <beir-dir>
              BM25 over a BEIR SciFact folder: nDCG@10, Recall@100, query latency, memory.
          dotnet run -c Release --project tests/RagLab.Benchmarks -- pipeline <beir-dir>
              The embedded stack in-process: BEIR import through BeirImporter, upload→ready time, memory,
              BM25 latency through the real retriever, document-level nDCG@10 / Recall@100, EvalRunner time.
          dotnet run -c Release --project tests/RagLab.Benchmarks -- embedded <beir-dir> [minilm|arctic-xs] [threads]
              The in-process embedding model through the real ingestion path: corpus embedding time and rate vs the FLOPs bound,
              query-embedding and hybrid latency, bm25/dense/hybrid nDCG@10, memory.
          dotnet run -c Release --project tests/RagLab.Benchmarks -- synthetic [--chunks 100000] [--dims 384] [--queries 300] [--only bm25|dense]
              BM25 and exact dense search latency over deterministic synthetic chunks; for dense also memory, the
              measured memory-bandwidth bound and exactness against a float32 full scan.
          dotnet run -c Release --project tests/RagLab.Benchmarks -- lucene scifact <beir-dir>
          dotnet run -c Release --project tests/RagLab.Benchmarks -- lucene synthetic [--chunks 100000] [--queries 1000]
              RagLab's BM25 beside Lucene.Net 4.8 (Anserini's settings) in one process: build time, index memory,
              p50/p95 with queries interleaved, as RagLab/Lucene ratios.
          dotnet run -c Release --project tests/RagLab.Benchmarks -- restart [--chunks 100000] [--dims 384] [--restarts 2] [--data-dir <dir>] [--no-halves]
              Fills a data directory with N embedded chunks (kept with --data-dir), then times restarts to the first answered query,
              each in a process of its own (the first reads the chunks from SQLite; later ones restore both indexes from their
              snapshots and read no chunk), then each index's restore alone.
          dotnet run -c Release --project tests/RagLab.Benchmarks -- load [<beir-dir>] [--clients 8] [--seconds 10] [--warmup 2] [--prefill 100000]
                                                                           [--documents 2000] [--results <file>]
              The real Api on Kestrel at 127.0.0.1 in this process, with the BEIR folder loaded (or --documents synthetic ones), under
              N concurrent clients: search req/s, p50 and p99; cached asks (one question repeated); uncached asks with the answer cache
              starting empty, then holding --prefill answers. Answers are extractive (no model server). Prints the figures beside the
              previous run's, kept in --results (default: benchmark-results/load-<corpus>.json).
        """);
    return 2;
}
