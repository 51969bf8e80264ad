using System.Diagnostics;
using System.Text;
using RagLab.Core.Evaluation.Metrics;
using RagLab.Core.Generation;
using RagLab.Core.Ingestion;
using RagLab.Core.Jobs;
using RagLab.Core.Kernel;

namespace RagLab.Core.Evaluation.Runs;

/// <summary>
/// A fact that changes: the document that changes it, a question about it and the answer it should now get.
/// </summary>
/// <param name="DocumentName">File name with extension (e.g. "pricing.md"); an existing document of that name is replaced.</param>
/// <param name="Modes">Modes to probe; null means the run's modes with <paramref name="RunId"/>, else every registered mode.</param>
/// <param name="ReaderGroups">Whose view the probe asks from: the groups of the caller who started it (set by the server), or null for
/// everything. Its answers, which the report shows, are built only from documents that view may read.</param>
/// <param name="RunId">A completed eval run on the same collection: the probe's figures go into its summary, where the decision report cites them.</param>
public sealed record FreshnessProbeRequest(
    string? Collection,
    string Question,
    string ExpectedAnswer,
    string DocumentName,
    string DocumentText,
    IReadOnlyList<string>? Modes = null,
    TimeSpan? Timeout = null,
    TimeSpan? PollInterval = null,
    IReadOnlyList<string>? ReaderGroups = null,
    string? RunId = null) : IJobPayload
{
    public static string Kind => FreshnessProbeJobHandler.JobKind;

    /// <summary>The longest a probe may wait, for indexing and for each mode.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(30);

    /// <exception cref="ValidationException">A missing field or an out-of-range timeout.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Question)) throw new ValidationException("Give the probe question.");
        if (string.IsNullOrWhiteSpace(ExpectedAnswer)) throw new ValidationException("Give the answer expected once the document is updated (expectedAnswer).");
        if (string.IsNullOrWhiteSpace(DocumentName) || string.IsNullOrEmpty(DocumentText))
            throw new ValidationException("Give the changed document's name (with extension, e.g. \"pricing.md\") and its new text.");
        if (Timeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > MaxTimeout))
            throw new ValidationException($"timeout must be more than 0 and at most {MaxTimeout.TotalMinutes:0} minutes (format hh:mm:ss).");
        if (PollInterval is { } poll && (poll <= TimeSpan.Zero || poll > (Timeout ?? FreshnessProbe.DefaultTimeout)))
            throw new ValidationException("pollInterval must be more than 0 and no longer than the timeout (format hh:mm:ss).");
        if (Modes is not null && Modes.Any(string.IsNullOrWhiteSpace)) throw new ValidationException("Mode names must not be empty.");
    }
}

/// <summary>Whether a mode gave the new answer, and how long after the document was submitted.</summary>
public sealed record FreshnessResult(string Mode, bool PickedUp, double? Seconds, string LastAnswer, string? Error = null);

public sealed record FreshnessReport(string DocumentId, double IndexedAfterSeconds, IReadOnlyList<FreshnessResult> Modes);

/// <summary>
/// A freshness probe's figures in the summary of the eval run it was asked for: which modes gave the changed fact, and how soon
/// after the document changed. The decision report's fine-tuning and RAG reasons cite them.
/// </summary>
/// <param name="TimeoutSeconds">How long each mode was re-asked before the probe gave up on it.</param>
public sealed record RunFreshness(string JobId, string Question, string ExpectedAnswer, string DocumentName, double IndexedAfterSeconds, double TimeoutSeconds,
    IReadOnlyList<ModeFreshness> Modes);

/// <summary>One mode in a <see cref="RunFreshness"/>, with the role it has in the run.</summary>
/// <param name="Seconds">After the document was submitted, when the mode gave the new answer; null when it never did.</param>
public sealed record ModeFreshness(string Mode, ModeRole Role, bool PickedUp, double? Seconds, string LastAnswer, string? Error = null);

/// <summary>
/// Measures how fast each mode reflects changed knowledge: indexes the changed document at once, in the caller (a probe
/// runs as a job, and a job never waits on another job of the same pool), then re-asks every mode (cache bypassed) until
/// the expected answer shows up or the timeout passes.
/// RAG should pick it up at once; a fine-tuned model without retrieval never will until retrained.
/// </summary>
public sealed class FreshnessProbe(IIngestionService ingestion, IQuestionAnswerer answerer, IDocumentStore documents)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);

    /// <exception cref="ValidationException">Missing fields, or the ingestion rejected the document.</exception>
    /// <exception cref="InvalidOperationException">The document failed to index.</exception>
    public async Task<FreshnessReport> RunAsync(FreshnessProbeRequest request, CancellationToken cancellationToken)
    {
        request.Validate();
        var timeout = request.Timeout ?? DefaultTimeout;
        var poll = request.PollInterval ?? DefaultPollInterval;
        var collection = CollectionName.Normalize(request.Collection);
        var modes = request.Modes is { Count: > 0 } given ? given : answerer.Modes;

        var clock = Stopwatch.StartNew();
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(request.DocumentText));
        var receipt = await ingestion.IngestNowAsync(collection, request.DocumentName, content, cancellationToken);
        if (receipt.Status != DocumentStatus.Ready)
        {
            var document = await documents.GetAsync(receipt.DocumentId, cancellationToken);
            throw new InvalidOperationException($"Document '{receipt.Name}' failed to index: {document?.Error ?? receipt.Status.ToString()}");
        }
        var indexedAfter = clock.Elapsed.TotalSeconds;

        var results = new List<FreshnessResult>();
        foreach (var mode in modes)
            results.Add(await ProbeModeAsync(mode, collection, request, clock, timeout, poll, cancellationToken));
        return new FreshnessReport(receipt.DocumentId, indexedAfter, results);
    }

    /// <summary>
    /// An answer shows the new fact when it contains the expected answer (normalised), or scores token F1 ≥ 0.5 against it with
    /// every number of the expected answer in it: a changed fact is usually a changed number, and the stale "39 dollars" shares
    /// half its words with "49 dollars".
    /// </summary>
    public static bool ShowsExpected(string answer, string expected)
    {
        var normalizedExpected = SquadNormalizer.Normalize(expected);
        var normalizedAnswer = SquadNormalizer.Normalize(answer);
        if (normalizedExpected.Length > 0 && $" {normalizedAnswer} ".Contains($" {normalizedExpected} ", StringComparison.Ordinal)) return true;
        var answerWords = normalizedAnswer.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var numbersKept = normalizedExpected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Any(char.IsDigit)).All(answerWords.Contains);
        return numbersKept && TokenF1.Score(answer, [expected]) >= 0.5;
    }

    private async Task<FreshnessResult> ProbeModeAsync(string mode, string collection, FreshnessProbeRequest request, Stopwatch clock, TimeSpan timeout, TimeSpan poll, CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var last = "";
        while (true)
        {
            try
            {
                var result = await answerer.AskAsync(new AskRequest(request.Question, mode, Collection: collection, NoCache: true)
                    { Scope = ReaderScopeKeys.FromGroupList(request.ReaderGroups) }, cancellationToken);
                last = result.Answer;
                if (ShowsExpected(last, request.ExpectedAnswer)) return new FreshnessResult(mode, true, clock.Elapsed.TotalSeconds, last);
            }
            catch (Exception e) when (e is ValidationException or DependencyUnavailableException)
            {
                return new FreshnessResult(mode, false, null, last, e.Message);
            }
            if (started.Elapsed > timeout) return new FreshnessResult(mode, false, null, last);
            await Task.Delay(poll, cancellationToken);
        }
    }
}
