using RagLab.Contracts;
using Domain = RagLab.Core.Kernel;

namespace RagLab.Infrastructure.ContractMapping;

/// <summary>The ask and search contracts to and from Core's answer and retrieval models.</summary>
public static class AskContractMappings
{
    /// <param name="noCache">Answer afresh even if the answer cache holds the question (the Api reads it from <c>Cache-Control: no-cache</c>).</param>
    public static Domain.AskRequest ToDomain(this AskRequest request, bool noCache) =>
        new(request.Question, request.Mode, request.TopK, request.Retriever, request.Collection, noCache);

    public static AskResponse ToContract(this Domain.AnswerResult result) =>
        new(result.Answer, result.Mode, result.Model, result.Extractive,
            [.. result.Citations.Select(c => new AskCitation(c.ChunkId, c.DocumentId, c.DocumentName, c.Quote))],
            result.Cached,
            new AskTimings(result.Timings.RetrievalMs, result.Timings.GenerationMs, result.Timings.TotalMs, result.Timings.TimeToFirstTokenMs),
            new AskUsage(result.Usage.InputTokens, result.Usage.OutputTokens),
            result.Retriever, result.Retrieved, result.Warnings,
            result.Details is { } d ? new AskDetails(d.Searches, d.SearchQueries, d.PrefixTokens, d.FirstWithPrefix) : null);

    public static AskStreamEvent ToContract(this Domain.AnswerEvent answerEvent) => answerEvent switch
    {
        Domain.AnswerEvent.Token token => new AskTokenEvent(token.Text),
        Domain.AnswerEvent.Completed done => new AskDoneEvent(done.Result.ToContract()),
        _ => throw new ArgumentOutOfRangeException(nameof(answerEvent), answerEvent, "An answer event the contract does not know."),
    };

    public static SearchHit ToContract(this Domain.RetrievalHit hit) =>
        new(hit.Rank, hit.Score, hit.Chunk.Id, hit.Chunk.DocumentId, hit.Chunk.DocumentName, hit.Chunk.Text, hit.Chunk.HeadingPath, hit.Chunk.Start, hit.Chunk.End);
}
