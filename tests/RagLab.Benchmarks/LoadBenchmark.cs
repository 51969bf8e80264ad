using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RagLab.Core.Caching;
using RagLab.Core.Evaluation.Beir;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Generation;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Benchmarks;

/// <summary>
/// The real Api on Kestrel at 127.0.0.1 in this process (<see cref="LoopbackApi"/>), with a corpus loaded, under N concurrent
/// clients: search throughput and latency, asks answered from the cache (one question repeated), and uncached asks with the
/// answer cache starting empty and then holding 100k answers. No model server: answers are extractive, so the figures are
/// RagLab's own. Each run's figures are kept in a small JSON file and printed beside the previous run's.
/// </summary>
internal static class LoadBenchmark
{
    private const int TopK = 5;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var beir = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : null;
        var clients = SyntheticBenchmark.IntOption(args, "--clients", 8);
        var seconds = SyntheticBenchmark.IntOption(args, "--seconds", 10);
        var warmUp = TimeSpan.FromSeconds(SyntheticBenchmark.IntOption(args, "--warmup", 2));
        var prefill = SyntheticBenchmark.IntOption(args, "--prefill", 100_000);
        var syntheticDocuments = SyntheticBenchmark.IntOption(args, "--documents", 2_000);
        var work = Path.Combine(Path.GetTempPath(), "raglab-load-" + Guid.NewGuid().ToString("n"));
        try
        {
            var dataset = beir ?? SyntheticBeirFolder.Write(Path.Combine(work, "synthetic"), syntheticDocuments);
            var corpus = beir is null ? $"synthetic-{syntheticDocuments}" : BeirImporter.CollectionFromFolder(beir);
            var results = SyntheticBenchmark.StringOption(args, "--results") ?? Path.Combine("benchmark-results", $"load-{corpus}.json");

            var settings = EmbeddedLabSettings.For(Path.Combine(work, "data"));
            // Room for the prefilled answers and every uncached ask: the cache's cost at size is measured, not its eviction.
            settings[$"{CacheCapacityOptions.SectionName}:{nameof(CacheCapacityOptions.MaxAnswers)}"] = Math.Max(1_000_000, prefill * 4).ToString();
            await using var lab = new LoopbackApi(settings);
            var address = lab.Start();
            var (collection, questions, loaded) = await LoadAsync(lab.Services, dataset, cancellationToken);

            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            {
                BaseAddress = address,
            };
            await CheckAsync(http, collection, questions[0], cancellationToken);

            Console.WriteLine($"load: the real Api on Kestrel at {address}, {clients} clients, {seconds} s measured per phase after {warmUp.TotalSeconds:0} s of warm-up");
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load average {PipelineBenchmark.LoadAverage()} at the start, " +
                              $"{(GCSettings.IsServerGC ? "server" : "workstation")} GC; clients and server share this process");
            Console.WriteLine($"corpus: {corpus}: {loaded}, {questions.Count} questions");

            var measured = TimeSpan.FromSeconds(seconds);
            var searchBodies = questions.Select(q => Json(new { query = q, topK = 10, retriever = "bm25", collection })).ToArray();
            var search = await ClosedLoopLoad.RunAsync(clients, warmUp, measured,
                (n, ct) => PostAsync(http, "api/search", searchBodies[n % searchBodies.Length], ct), cancellationToken);
            Console.WriteLine($"{"search (bm25, top 10)",-38} {search}");

            var cachedBody = Json(Ask(questions[0], collection));
            var cached = await ClosedLoopLoad.RunAsync(clients, warmUp, measured, (_, ct) => PostAsync(http, "api/ask", cachedBody, ct), cancellationToken);
            Console.WriteLine($"{"ask, cached (one question repeated)",-38} {cached}");

            var answers = lab.Services.GetRequiredService<IAnswerCache>();
            var uncached = await ClosedLoopLoad.RunAsync(clients, warmUp, measured,
                (n, ct) => PostAsync(http, "api/ask", Json(Ask(Unasked(questions, n, "empty"), collection)), ct), cancellationToken);
            Console.WriteLine($"{"ask, uncached, cache started empty",-38} {uncached}   ({Held(answers)} answers cached after)");

            var filling = Stopwatch.GetTimestamp();
            await PrefillAsync(lab.Services, collection, prefill, cancellationToken);
            Console.WriteLine($"prefill: {prefill:N0} answers stored in {Stopwatch.GetElapsedTime(filling).TotalSeconds:F2} s; {Held(answers)} cached");
            var uncachedFull = await ClosedLoopLoad.RunAsync(clients, warmUp, measured,
                (n, ct) => PostAsync(http, "api/ask", Json(Ask(Unasked(questions, n, "full"), collection)), ct), cancellationToken);
            Console.WriteLine($"{$"ask, uncached, {prefill:N0} cached",-38} {uncachedFull}   ({Held(answers)} answers cached after)");
            Console.WriteLine($"RSS at the end: {PipelineBenchmark.ResidentMiB():F0} MiB; load average {PipelineBenchmark.LoadAverage()}");

            var run = new LoadRun(DateTimeOffset.UtcNow, corpus, clients, seconds, prefill, PipelineBenchmark.LoadAverage(), search, cached, uncached, uncachedFull);
            var previous = LoadRun.Read(results);
            Console.WriteLine();
            run.PrintBeside(previous, results);
            run.Write(results);
            return search.Errors + cached.Errors + uncached.Errors + uncachedFull.Errors == 0 ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Imports the BEIR folder as one bulk job, as `raglab datasets import` does, and waits until it is indexed.</summary>
    private static async Task<(string Collection, IReadOnlyList<string> Questions, string Description)> LoadAsync(
        IServiceProvider services, string dataset, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var import = await services.GetRequiredService<BeirImporter>().ImportAsync(dataset, null, "test", null, cancellationToken);
        if (import.JobId is { } jobId
            && await PipelineBenchmark.WaitAsync(services.GetRequiredService<IJobStore>(), jobId, cancellationToken) is { Status: JobStatus.Failed } job)
            throw new InvalidOperationException($"The ingest job of {dataset} failed: {job.Error}");
        var ready = Stopwatch.GetElapsedTime(started);
        var documents = await services.GetRequiredService<IDocumentStore>().ListAsync(import.Collection, cancellationToken);
        var questions = (await services.GetRequiredService<IEvalStore>().GetItemsAsync(import.EvalSetId, cancellationToken)).Select(i => i.Question).ToList();
        return (import.Collection, questions,
            $"{documents.Count(d => d.Status == DocumentStatus.Ready):N0} documents, {documents.Sum(d => d.Chunks):N0} chunks, ready in {ready.TotalSeconds:F1} s");
    }

    /// <summary>Fails early, with what came back, when the lab does not answer as the figures assume (hits; extractive answers, cached the second time).</summary>
    private static async Task CheckAsync(HttpClient http, string collection, string question, CancellationToken cancellationToken)
    {
        using var search = await ReadAsync(http, "api/search", Json(new { query = question, topK = 10, retriever = "bm25", collection }), cancellationToken);
        if (search.RootElement.GetProperty("hits").GetArrayLength() == 0)
            throw new InvalidOperationException($"A search for '{question}' found nothing: {search.RootElement}");
        var probe = Json(Ask("a question asked once to check the lab " + Guid.NewGuid().ToString("n"), collection));
        using var first = await ReadAsync(http, "api/ask", probe, cancellationToken);
        using var second = await ReadAsync(http, "api/ask", probe, cancellationToken);
        if (!first.RootElement.GetProperty("extractive").GetBoolean() || first.RootElement.GetProperty("cached").GetBoolean()
            || !second.RootElement.GetProperty("cached").GetBoolean())
            throw new InvalidOperationException($"Expected an extractive answer, then the same one from the cache; got {first.RootElement} and then {second.RootElement}");
    }

    /// <summary>Fills the answer cache through its port with answers to questions nobody asks, in the collection being asked about.</summary>
    private static async Task PrefillAsync(IServiceProvider services, string collection, int count, CancellationToken cancellationToken)
    {
        var cache = services.GetRequiredService<IAnswerCache>();
        var generation = await services.GetRequiredService<IIndexSync>().CatchUpAsync(collection, cancellationToken);
        var citation = new Citation("chunk", "document", "document.txt", new string('q', 200));
        var answer = new AnswerResult(new string('a', 600), AnswerModeNames.Rag, QuestionAnswerer.ExtractiveModelName, true, [citation, citation, citation],
            false, new AnswerTimings(1, 0, 1), new TokenUsage(0, 0), "bm25", ["c1", "c2", "c3", "c4", "c5"]);
        for (var i = 0; i < count; i++)
        {
            var key = new AnswerCacheKey($"prefilled question number {i}", AnswerModeNames.Rag, QuestionAnswerer.ExtractiveModelName, "bm25", TopK, collection, generation);
            await cache.SetAsync(key, answer with { Answer = $"prefilled answer {i} " + answer.Answer }, cancellationToken);
        }
    }

    private static object Ask(string question, string collection) => new { question, mode = AnswerModeNames.Rag, retriever = "bm25", topK = TopK, collection };

    /// <summary>A question no request has asked before: one of the corpus's, with the request's number (a term no chunk has).</summary>
    private static string Unasked(IReadOnlyList<string> questions, int n, string phase) => $"{questions[n % questions.Count]} {phase}{n}x";

    private static string Held(IAnswerCache cache) => cache is MemoryAnswerCache memory ? memory.Count.ToString("N0") : "?";

    private static byte[] Json(object body) => JsonSerializer.SerializeToUtf8Bytes(body);

    private static async Task<bool> PostAsync(HttpClient http, string path, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(path, content, cancellationToken); // reads the whole body, as a client would
        return response.IsSuccessStatusCode;
    }

    private static async Task<JsonDocument> ReadAsync(HttpClient http, string path, byte[] body, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(path, content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"POST /{path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text);
    }
}
