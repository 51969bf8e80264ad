using RagLab.Contracts;
using Domain = RagLab.Core.Kernel;

namespace RagLab.Api.Apis;

/// <summary>The ask contract to and from Core's answer models; cache bypass is a domain concern, not part of the request.</summary>
public static class AskMappings
{
    public static Domain.AskRequest ToDomain(this AskRequest request) =>
        new(request.Question, request.Mode, request.TopK, request.Retriever, request.Collection);

    public static AskResponse ToContract(this Domain.AnswerResult result) =>
        new(result.Answer, result.Mode, result.Model, result.Extractive,
            [.. result.Citations.Select(c => new AskCitation(c.ChunkId, c.DocumentId, c.DocumentName, c.Quote))],
            result.Cached,
            new AskTimings(result.Timings.RetrievalMs, result.Timings.GenerationMs, result.Timings.TotalMs, result.Timings.TimeToFirstTokenMs),
            new AskUsage(result.Usage.InputTokens, result.Usage.OutputTokens),
            result.Retriever, result.Retrieved, result.Warnings);
}
