using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using RagLab.Core.Evaluation.Metrics;
using RagLab.Core.Evaluation.Sets;
using RagLab.Core.Generation;
using RagLab.Core.Jobs;
using RagLab.Core.Retrieval;
using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Runs;

/// <summary>
/// Runs an eval: every question × mode (× retriever for modes that retrieve) through <see cref="IQuestionAnswerer"/>
/// with the cache bypassed, plus document-level retrieval metrics per retriever at k = 1, 3, 5, 10, 100.
/// Each record is stored as soon as it completes, so a run that crashed resumes with only the missing records.
/// Abstentions are recognised with <see cref="AbstentionDetector"/>.
/// A run measures the view of the caller who started it (<see cref="EvalRunRequest.ReaderGroups"/>): every retrieval and answer
/// sees only the documents that view may read, and the set is cut to it first (<see cref="EvalReaderView"/>).
/// </summary>
/// <param name="modes">The registered modes: a mode retrieves when its <see cref="IAnswerMode.UsesRetrieval"/> says so.
/// Modes not registered here fall back to their role (see <see cref="ModeRoles"/>).</param>
/// <param name="models">The connected models, for the optional LLM judge.</param>
public sealed class EvalRunner(
    IEvalStore store,
    IQuestionAnswerer answerer,
    IRetrieverCatalog retrievers,
    IDocumentStore documents,
    IRetrievalScorer scorer,
    IEnumerable<IAnswerMode>? modes = null,
    IModelProvider? models = null) : IJobHandler
{
    public const string JobKind = "eval-run";

    /// <summary>Retrieval cut-offs; the retriever is asked for the largest.</summary>
    public static readonly IReadOnlyList<int> RetrievalCutoffs = [1, 3, 5, 10, 100];

    private readonly Dictionary<string, IAnswerMode> _modes = (modes ?? []).ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);

    public string Kind => JobKind;

    public Task RunAsync(JobRecord job, IJobProgress progress, CancellationToken cancellationToken) =>
        RunAsync(ParseRunId(job.Payload), progress, cancellationToken);

    public Task OnFailedAsync(JobRecord job, string error, CancellationToken cancellationToken) =>
        store.UpdateRunAsync(ParseRunId(job.Payload), EvalRunStatus.Failed, error, null, cancellationToken);

    /// <summary>Reads an <see cref="EvalRunJobPayload"/> (<c>{"runId": "..."}</c>); jobs queued before it carry the run id as a JSON string or bare.</summary>
    public static string ParseRunId(string payload)
    {
        var text = payload.Trim();
        if (text.StartsWith('"')) return JsonSerializer.Deserialize<string>(text) ?? "";
        if (text.StartsWith('{'))
        {
            using var document = JsonDocument.Parse(text);
            foreach (var property in document.RootElement.EnumerateObject())
                if (string.Equals(property.Name, "runId", StringComparison.OrdinalIgnoreCase)) return property.Value.GetString() ?? "";
            throw new ValidationException("The eval-run job payload has no \"runId\".");
        }
        return text;
    }

    /// <summary>Runs (or resumes) a stored run and returns its summary.</summary>
    /// <exception cref="NotFoundException">The run or its set no longer exists.</exception>
    /// <exception cref="DependencyUnavailableException">A mode or retriever needs a model that is not connected; completed records are kept for the next attempt.</exception>
    public async Task<EvalRunSummary> RunAsync(string runId, IJobProgress progress, CancellationToken cancellationToken)
    {
        var run = await store.GetRunAsync(runId, cancellationToken) ?? throw new NotFoundException($"Eval run '{runId}' does not exist.");
        var set = await store.GetSetAsync(run.SetId, cancellationToken) ?? throw new NotFoundException($"Eval set '{run.SetId}' of run '{runId}' no longer exists.");
        var request = run.Request;
        request.Validate();
        await store.UpdateRunAsync(runId, EvalRunStatus.Running, null, null, cancellationToken);

        try
        {
            var view = await EvalReaderView.CreateAsync(documents, set.Collection, request.Scope, await store.GetItemsAsync(set.Id, cancellationToken), cancellationToken);
            var items = view.Items;
            var warnings = new List<string>();
            if (view.Note() is { } note) warnings.Add(note);
            var context = new RunContext(set.Collection, request, await ResolveJudgeAsync(request, warnings, cancellationToken));
            var work = await PlanAsync(runId, items, request, set.Collection, warnings, cancellationToken);

            var done = work.AlreadyDone;
            var total = work.AlreadyDone + work.Pending.Count;
            using var progressGate = new SemaphoreSlim(1, 1);
            await progress.ReportAsync(total == 0 ? 1 : (double)done / total, $"{done} of {total} done", cancellationToken);

            async ValueTask RunUnitAsync(WorkUnit unit, CancellationToken ct)
            {
                if (unit.Mode is null) await store.SaveRetrievalAsync(runId, await MeasureRetrievalAsync(unit.Item, unit.Retriever!, context, ct), ct);
                else await store.SaveAnswerAsync(runId, await AnswerAsync(unit.Item, unit.Mode, unit.Retriever, context, ct), ct);
                var completed = Interlocked.Increment(ref done);
                await progressGate.WaitAsync(ct);
                try { await progress.ReportAsync((double)completed / total, $"{completed} of {total} done", ct); }
                finally { progressGate.Release(); }
            }

            // A mode that reuses a cached prompt prefix runs last and one question at a time: the server caches a prefix per slot, and a
            // request with another window in between reloads the model, so interleaving would measure neither the first question nor the rest.
            var prefixed = work.Pending.Where(u => u.Mode is not null && ReusesPromptPrefix(u.Mode)).ToList();
            await Parallel.ForEachAsync(work.Pending.Except(prefixed), new ParallelOptions { MaxDegreeOfParallelism = request.Parallelism, CancellationToken = cancellationToken }, RunUnitAsync);
            foreach (var unit in prefixed) await RunUnitAsync(unit, cancellationToken);

            var answers = await store.GetAnswersAsync(runId, cancellationToken);
            var errors = answers.Count(a => a.Error is not null);
            if (errors > 0) warnings.Add($"{errors} of {answers.Count} answers failed; their errors are in the per-question records.");
            var summary = EvalSummarizer.Summarize(run, items, answers, await store.GetRetrievalsAsync(runId, cancellationToken), warnings, DateTimeOffset.UtcNow)
                with { ReaderScope = view.Scope.Key, RelevantDocumentsOutsideView = view.DroppedLabels, QuestionsOutsideView = view.SkippedQuestions };
            await store.UpdateRunAsync(runId, EvalRunStatus.Completed, null, summary, cancellationToken);
            return summary;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await store.UpdateRunAsync(runId, EvalRunStatus.Failed, e.Message, null, CancellationToken.None);
            throw;
        }
    }

    private sealed record RunContext(string Collection, EvalRunRequest Request, LlmJudgeGroundedness? Judge)
    {
        public ConcurrentDictionary<string, Task<Chunk?>> Chunks { get; } = new(StringComparer.Ordinal);
    }

    private sealed record WorkUnit(EvalItem Item, string? Mode, string? Retriever);

    private sealed record WorkPlan(int AlreadyDone, IReadOnlyList<WorkUnit> Pending);

    private async Task<LlmJudgeGroundedness?> ResolveJudgeAsync(EvalRunRequest request, List<string> warnings, CancellationToken cancellationToken)
    {
        if (!request.Judge) return null;
        IChatClient? chat = models is null ? null : await models.GetChatClientAsync(cancellationToken);
        if (chat is null)
        {
            warnings.Add("An LLM judge was requested but no chat model is connected: judge groundedness was not measured.");
            return null;
        }
        return new LlmJudgeGroundedness(chat);
    }

    private async Task<WorkPlan> PlanAsync(string runId, IReadOnlyList<EvalItem> items, EvalRunRequest request, string collection, List<string> warnings, CancellationToken cancellationToken)
    {
        var retrieving = request.Modes.ToDictionary(m => m, m => UsesRetrieval(m, request), StringComparer.Ordinal);
        var anyRetrieval = retrieving.Values.Any(r => r) || request.Retrievers is { Count: > 0 };
        // Resolving up front validates the names and fails fast when embeddings are missing; null resolves to the default, and the
        // records carry the retriever actually used (bm25 when the default fell back on a collection that needs a re-embed, said in the warnings).
        var retrieverNames = new List<string>();
        if (anyRetrieval)
        {
            foreach (var name in request.Retrievers is { Count: > 0 } names ? names.Cast<string?>() : [null])
            {
                var resolved = await retrievers.ResolveAsync(name, collection, cancellationToken);
                retrieverNames.Add(resolved.Name);
                if (resolved.Warning is { } warning) warnings.Add(warning);
            }
        }

        var answered = (await store.GetAnswersAsync(runId, cancellationToken)).Select(a => Key(a.ItemId, a.Mode, a.Retriever)).ToHashSet(StringComparer.Ordinal);
        var retrieved = (await store.GetRetrievalsAsync(runId, cancellationToken)).Select(r => Key(r.ItemId, null, r.Retriever)).ToHashSet(StringComparer.Ordinal);
        var pending = new List<WorkUnit>();
        var alreadyDone = 0;

        var labelled = items.Where(i => i.RelevantDocuments.Count > 0).ToArray();
        if (anyRetrieval && labelled.Length == 0)
            warnings.Add("No question has relevantDocuments: retrieval metrics and the retrieval-vs-generation split could not be measured.");
        foreach (var item in labelled)
        foreach (var retriever in retrieverNames)
        {
            if (retrieved.Contains(Key(item.Id, null, retriever))) alreadyDone++;
            else pending.Add(new WorkUnit(item, null, retriever));
        }

        foreach (var item in items)
        foreach (var mode in request.Modes)
        foreach (var retriever in retrieving[mode] ? retrieverNames.Cast<string?>() : [null])
        {
            if (answered.Contains(Key(item.Id, mode, retriever))) alreadyDone++;
            else pending.Add(new WorkUnit(item, mode, retriever));
        }
        return new WorkPlan(alreadyDone, pending);
    }

    /// <summary>What the registered mode says; for a mode this process does not know, what its role implies.</summary>
    public bool UsesRetrieval(string mode, EvalRunRequest request) =>
        _modes.TryGetValue(mode, out var registered) ? registered.UsesRetrieval : ModeRoles.UsesRetrieval(ModeRoles.Resolve(mode, request.ModeRoles));

    private bool ReusesPromptPrefix(string mode) => _modes.TryGetValue(mode, out var registered) && registered.ReusesPromptPrefix;

    private static string Key(string itemId, string? mode, string? retriever) => $"{itemId}\u001f{mode}\u001f{retriever}";

    private async Task<EvalRetrievalRecord> MeasureRetrievalAsync(EvalItem item, string retrieverName, RunContext context, CancellationToken cancellationToken)
    {
        var labels = new RelevanceLabels(item.RelevantDocuments);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var retriever = (await retrievers.ResolveAsync(retrieverName, context.Collection, cancellationToken)).Retriever;
            var hits = await retriever.RetrieveAsync(new RetrievalQuery(item.Question, context.Collection, RetrievalCutoffs[^1]) { Scope = context.Request.Scope }, cancellationToken);
            var elapsed = stopwatch.Elapsed.TotalMilliseconds;
            // Document-level relevance: a document ranks where its best chunk ranks.
            var documentsInOrder = hits.OrderBy(h => h.Rank).DistinctBy(h => h.Chunk.DocumentId, StringComparer.Ordinal).Select(h => h.Chunk).ToArray();
            var keys = documentsInOrder.Select(c => labels.LabelFor(c.DocumentId, c.DocumentName) ?? c.DocumentId).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            var scores = RetrievalCutoffs.Select(k => scorer.Score(keys, labels.Labels, k) with { K = k }).ToArray();
            return new EvalRetrievalRecord(item.Id, retrieverName, documentsInOrder.Select(c => c.DocumentId).ToArray(), scores, elapsed);
        }
        catch (Exception e) when (e is ValidationException or InvalidOperationException or ModelCallException)
        {
            return new EvalRetrievalRecord(item.Id, retrieverName, [], [], stopwatch.Elapsed.TotalMilliseconds, e.Message);
        }
    }

    private async Task<EvalAnswerRecord> AnswerAsync(EvalItem item, string mode, string? retriever, RunContext context, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var stopwatch = Stopwatch.StartNew();
        double? firstToken = null;
        AnswerResult? result = null;
        try
        {
            var ask = new AskRequest(item.Question, mode, request.TopK, retriever, context.Collection, NoCache: true) { Scope = request.Scope };
            await foreach (var answerEvent in answerer.AskStreamingAsync(ask, cancellationToken))
            {
                switch (answerEvent)
                {
                    case AnswerEvent.Token: firstToken ??= stopwatch.Elapsed.TotalMilliseconds; break;
                    case AnswerEvent.Completed completed: result = completed.Result; break;
                }
            }
            if (result is null) throw new InvalidOperationException("The answer stream ended without a result.");
        }
        catch (Exception e) when (e is ValidationException or InvalidOperationException or ModelCallException or TimeoutException)
        {
            // One bad question must not sink the run; a missing model (DependencyUnavailableException) does, so it can be resumed once connected.
            var elapsed = stopwatch.Elapsed.TotalMilliseconds;
            return new EvalAnswerRecord(item.Id, item.Question, mode, retriever, "", null, [], [], [],
                new AnswerMetrics(null, null, null, null, null, null, false, null, null),
                new RecordTimings(0, null, 0, elapsed), new TokenUsage(0, 0), EvalOutcome.NotApplicable, e.Message);
        }

        var retrievedChunkIds = result.Retrieved ?? [];
        var retrievedChunks = await LoadChunksAsync(retrievedChunkIds, context, cancellationToken);
        var labels = new RelevanceLabels(item.RelevantDocuments);
        var usesRetrieval = retriever is not null;
        bool? relevantRetrieved = usesRetrieval && !labels.IsEmpty ? retrievedChunks.Any(c => labels.Matches(c.DocumentId, c.DocumentName)) : null;

        var abstained = AbstentionDetector.IsAbstention(result.Answer);
        IReadOnlyList<string> references = item.Unanswerable || item.Answer is null ? [] : [item.Answer];
        // Citation markers ("[2]") are not part of the answer: they would count as tokens.
        var answerText = AnswerText.StripCitationMarkers(result.Answer);
        var f1 = TokenF1.Score(answerText, references);
        var evidence = await EvidenceAsync(result, retrievedChunks, context, cancellationToken);
        var judged = context.Judge is not null && !abstained && evidence.Count > 0
            ? await context.Judge.ScoreAsync(item.Question, result.Answer, evidence, cancellationToken)
            : null;

        var metrics = new AnswerMetrics(
            ExactMatch.Score(answerText, references),
            f1,
            RougeL.Score(answerText, references),
            abstained || evidence.Count == 0 ? null : LexicalGroundedness.Score(result.Answer, evidence),
            judged?.Score,
            CitationPrecision.Score(result.Citations, labels),
            abstained,
            Abstention.CorrectAbstention(item.Unanswerable, abstained),
            Abstention.FalseAbstention(item.Unanswerable, abstained));

        var timings = result.Timings;
        return new EvalAnswerRecord(
            item.Id, item.Question, mode, retriever, result.Answer, result.Model, result.Citations,
            retrievedChunkIds, retrievedChunks.Select(c => c.DocumentId).Distinct(StringComparer.Ordinal).ToArray(),
            metrics,
            new RecordTimings(timings.RetrievalMs, timings.TimeToFirstTokenMs ?? firstToken, timings.GenerationMs, timings.TotalMs),
            result.Usage,
            OutcomeClassifier.Classify(item, relevantRetrieved, abstained, f1, request.CorrectF1Threshold, failed: false),
            Details: result.Details);
    }

    /// <summary>The text the answer should rest on: the cited chunks, or the retrieved ones when nothing is cited.</summary>
    private async Task<IReadOnlyList<string>> EvidenceAsync(AnswerResult result, IReadOnlyList<Chunk> retrieved, RunContext context, CancellationToken cancellationToken)
    {
        if (result.Citations.Count == 0) return retrieved.Select(c => c.Text).ToArray();
        var texts = new List<string>();
        foreach (var citation in result.Citations.DistinctBy(c => c.ChunkId, StringComparer.Ordinal))
        {
            var chunk = await context.Chunks.GetOrAdd(citation.ChunkId, id => documents.GetChunkAsync(id, cancellationToken));
            texts.Add(chunk?.Text ?? citation.Quote);
        }
        return texts;
    }

    private async Task<IReadOnlyList<Chunk>> LoadChunksAsync(IReadOnlyList<string> chunkIds, RunContext context, CancellationToken cancellationToken)
    {
        var chunks = new List<Chunk>(chunkIds.Count);
        foreach (var id in chunkIds)
        {
            if (await context.Chunks.GetOrAdd(id, key => documents.GetChunkAsync(key, cancellationToken)) is { } chunk) chunks.Add(chunk);
        }
        return chunks;
    }
}
