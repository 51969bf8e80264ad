using RagLab.Contracts;

namespace RagLab.Web.Tests.Components;

/// <summary>Api answers in the contract's types, as the Api sends them; the hostile strings check that pages show text as text.</summary>
public static class Samples
{
    public const string Script = "<script>alert('x')</script>";
    public const string Image = "<img src=x onerror=alert('x')>";
    public const string Hostile = Script + " and " + Image;

    public static readonly DateTimeOffset When = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    public static StatusResponse Status(bool chat = true, bool embeddings = true) => new(
        [new DependencyStatus("vectors", "embedded", null, "in-process"), new DependencyStatus("cache", "memory", null, "in-process")],
        new ModelsStatus("ollama", "http://127.0.0.1:11434", "qwen2.5:1.5b", chat, "all-minilm", embeddings, chat ? null : "connection refused"),
        "/data", true);

    public static List<AnswerMode> Modes() =>
    [
        new("base", "The model alone, no retrieval.", false),
        new("rag", "Retrieved chunks, cited.", true),
    ];

    public static DocumentResponse Document(string name, string collection = "default", DocumentStatus status = DocumentStatus.Ready, int chunks = 2, string? error = null) =>
        new("doc-" + name.GetHashCode().ToString("x"), collection, name, status, chunks, 1234, "hash", When, error);

    public static List<DocumentChunk> Chunks(DocumentResponse document, params string[] texts) =>
        [.. texts.Select((text, i) => new DocumentChunk($"{document.Id}-c{i}", document.Id, document.Name, document.Collection, i, "Refunds > Window", text, i * 100, i * 100 + text.Length))];

    public static AskResponse Answer(string mode, string text, IReadOnlyList<AskCitation> citations, IReadOnlyList<string>? retrieved = null, IReadOnlyList<string>? warnings = null) =>
        new(text, mode, "qwen2.5:1.5b", false, citations, false, new AskTimings(0.4, 812, 815, 120), new AskUsage(212, 14), mode == "rag" ? "bm25" : null, retrieved ?? [], warnings);

    public static EvalSetResponse Set(string name = "shop-faq") => new("set-1", name, 1, "default", When, 3, EvalSetSource.Jsonl, true);

    public static EvalRunSettings Settings() => new("set-1", ["rag", "base"], ["bm25"], 5, 2, false, new PriceSettings(null, 0.5, 1.5), null, 0.5);

    public static EvalRunResponse Run(string id, EvalRunStatus status, double progress = 1, EvalRunSummary? summary = null, string? error = null) =>
        new(id, "set-1", status, progress, status == EvalRunStatus.Running ? "answered 3/10 questions" : null, error, "job-" + id, When, When, Settings(), summary);

    private static LatencyStats Latency(double p50, double p95) => new(p50, p95, (p50 + p95) / 2, 3);

    private static CostProjection Cost(double perQuery) =>
        new("tokens", perQuery, [new MonthlyCost(10_000, perQuery * 10_000), new MonthlyCost(100_000, perQuery * 100_000), new MonthlyCost(1_000_000, perQuery * 1_000_000)], null, null);

    public static EvalRunSummary Summary(string runId) => new(runId, "set-1", 3, 0, 3,
    [
        new ModeSummary("rag", "bm25", ModeRole.Rag, 3, 3, 0, 0.67, 0.81, 0.79, 0.9, null, 1, null, null, 0.67,
            new PhaseLatency(Latency(0.42, 0.9), Latency(110, 150), Latency(700, 900), Latency(815, 1010)), 212, 14, new FailureCounts(2, 0, 1, 0, 0), Cost(0.000127)),
        new ModeSummary("base", null, ModeRole.Base, 3, 3, 0, 0, 0.12, 0.1, 0.05, null, null, null, null, 0,
            new PhaseLatency(null, Latency(90, 130), Latency(500, 640), Latency(560, 700)), 40, 20, new FailureCounts(0, 0, 0, 3, 0), Cost(0.00005)),
    ],
    [new RetrieverSummary("bm25", 3, 0, [new RetrievalAtK(1, 0.67, 0.67, 0.67, 0.67, 0.67), new RetrievalAtK(10, 0.81, 1, 0.1, 0.72, 1)], Latency(0.42, 0.9))],
    [
        new PublishedFigure("rag-retrieval-overhead", "RAG adds retrieval overhead of 50–300 ms per query", "50–300 ms", 50, 300, "ms", "seed"),
        new PublishedFigure("rag-cost-1m", "Serving RAG costs about $3,700/month at 1M queries", "$3,700/month at 1M queries", 3700, 3700, "USD/month", "seed"),
    ],
    [], When);

    public static List<EvalQuestionResult> Results() =>
    [
        Question("q1", "How long is the refund window?", ("rag", "correct", false, "30 days [1]."), ("base", "generation-miss", false, "I do not know the policy.")),
        Question("q2", "Who pays for return shipping?", ("rag", "retrieval-miss", false, "The documents do not say."), ("base", "generation-miss", true, "I cannot answer that.")),
        Question("q3", Hostile, ("rag", "correct", false, Hostile), ("base", "generation-miss", false, "No.")),
    ];

    private static EvalQuestionResult Question(string id, string question, params (string Mode, string Outcome, bool Abstained, string Answer)[] answers) =>
        new(id, question, "30 days", false, ["refunds.md"],
            [.. answers.Select(a => new EvalAnswerResult(id, question, a.Mode, a.Mode == "rag" ? "bm25" : null, a.Answer, "qwen2.5:1.5b", [], [], [],
                new AnswerMetrics(0, 0.5, 0.5, null, null, null, a.Abstained, null, null), new RecordTimings(0.4, 100, 700, 800), new AskUsage(200, 10), a.Outcome))],
            []);

    public static DecisionReport Report(string runId) => new(Recommendation.Rag, Confidence.Medium,
        [new DecisionReason("RAG answers better than the base model.", "accuracy 67 % vs 0 %"), new DecisionReason(Hostile, "F1 0.81")],
        [new EvidenceWarning("Only 3 questions.", "Run at least 30.")],
        [Recommendation.FineTuning], new Questionnaire(), Summary(runId), new DecisionThresholds(5, 5, 2, 30, 500));
}
