using RagLab.Contracts;
using RagLab.Infrastructure.Hosting;
using Domain = RagLab.Core.Kernel;
using Jobs = RagLab.Core.Jobs;
using Reports = RagLab.Core.Evaluation.Reports;
using Runs = RagLab.Core.Evaluation.Runs;

namespace RagLab.Cli.Backends;

/// <summary>
/// The in-process lab's Core records as the Api's contract types, so both back-ends hand the commands the same shapes.
/// (The Api keeps its own copy at its edge: Contracts must not know Core, and the CLI does not reference the Api.)
/// </summary>
internal static class ContractMappings
{
    public static Domain.AskRequest ToDomain(this AskRequest request, bool bypassCache) =>
        new(request.Question, request.Mode, request.TopK, request.Retriever, request.Collection, bypassCache);

    public static AskResponse ToContract(this Domain.AnswerResult result) =>
        new(result.Answer, result.Mode, result.Model, result.Extractive,
            [.. result.Citations.Select(c => new AskCitation(c.ChunkId, c.DocumentId, c.DocumentName, c.Quote))],
            result.Cached,
            new AskTimings(result.Timings.RetrievalMs, result.Timings.GenerationMs, result.Timings.TotalMs, result.Timings.TimeToFirstTokenMs),
            new AskUsage(result.Usage.InputTokens, result.Usage.OutputTokens),
            result.Retriever, result.Retrieved, result.Warnings);

    public static AskStreamEvent ToContract(this Domain.AnswerEvent answerEvent) => answerEvent switch
    {
        Domain.AnswerEvent.Token token => new AskTokenEvent(token.Text),
        Domain.AnswerEvent.Completed done => new AskDoneEvent(done.Result.ToContract()),
        _ => throw new ArgumentOutOfRangeException(nameof(answerEvent), answerEvent, "An answer event the contract does not know."),
    };

    public static DocumentResponse ToContract(this Domain.DocumentRecord document) =>
        new(document.Id, document.Collection, document.Name, Enum.Parse<DocumentStatus>(document.Status.ToString()), document.Chunks, document.Bytes,
            document.ContentHash, document.UpdatedAt, document.Error, document.JobId, document.Warnings);

    public static JobResponse ToContract(this Jobs.JobRecord job) =>
        new(job.Id, job.Kind, Enum.Parse<JobStatus>(job.Status.ToString()), job.Progress, job.Message, job.Error, job.CreatedAt, job.UpdatedAt);

    public static StatusResponse ToContract(this StatusReport report) =>
        new([.. report.Dependencies.Select(d => new DependencyStatus(d.Name, d.Kind, d.Endpoint, d.Detail))],
            new ModelsStatus(report.Models.Provider, report.Models.Endpoint, report.Models.ChatModel, report.Models.ChatAvailable,
                report.Models.EmbeddingModel, report.Models.EmbeddingsAvailable, report.Models.Error),
            report.DataDirectory, report.JobsInProcess);

    public static Reports.Questionnaire ToDomain(this Questionnaire questionnaire) =>
        new(ByName<Reports.KnowledgeChangeFrequency>(questionnaire.KnowledgeChanges), questionnaire.CitationsRequired, questionnaire.LatencyBudgetMs,
            questionnaire.MonthlyQueries, questionnaire.TrainingBudgetDollars, questionnaire.LabelledExamples,
            ByName<Reports.MlExperience>(questionnaire.TeamMlExperience), questionnaire.MustRunOffline);

    /// <summary>The run request as the body of <c>POST /api/evalruns</c>.</summary>
    public static StartEvalRunRequest ToContract(this Runs.EvalRunRequest request) =>
        new(request.SetId, request.Modes, request.Retrievers, request.TopK, request.Parallelism, request.Judge,
            request.Prices is not { } prices ? null
                : new PriceSettings(prices.GpuDollarsPerHour, prices.InputDollarsPerMillionTokens, prices.OutputDollarsPerMillionTokens, prices.TrainingCostDollars),
            request.ModeRoles?.ToDictionary(p => p.Key, p => ByName<ModeRole>(p.Value)),
            request.CorrectF1Threshold);

    // The contract's enums repeat Core's member names one for one (the wire carries the names), so mapping by name is exact.
    private static TTo ByName<TTo>(Enum value) where TTo : struct, Enum =>
        Enum.TryParse<TTo>(value.ToString(), out var mapped) && Enum.IsDefined(mapped)
            ? mapped
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"A {value.GetType().Name} Core does not know.");
}
