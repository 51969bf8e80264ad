using RagLab.Contracts;
using Domain = RagLab.Core.Kernel;

namespace RagLab.Api.Apis;

/// <summary>The ask contract to and from Core's answer models.</summary>
public static class AskMappings
{
    /// <param name="headers">A client bypasses the answer cache the HTTP way, with <c>Cache-Control: no-cache</c>, not with a body field.</param>
    public static Domain.AskRequest ToDomain(this AskRequest request, IHeaderDictionary headers) =>
        new(request.Question, request.Mode, request.TopK, request.Retriever, request.Collection,
            NoCache: headers.CacheControl.Any(v => v?.Contains("no-cache", StringComparison.OrdinalIgnoreCase) == true));

    public static AskResponse ToContract(this Domain.AnswerResult result) =>
        new(result.Answer, result.Mode, result.Model, result.Extractive,
            [.. result.Citations.Select(c => new AskCitation(c.ChunkId, c.DocumentId, c.DocumentName, c.Quote))],
            result.Cached,
            new AskTimings(result.Timings.RetrievalMs, result.Timings.GenerationMs, result.Timings.TotalMs, result.Timings.TimeToFirstTokenMs),
            new AskUsage(result.Usage.InputTokens, result.Usage.OutputTokens),
            result.Retriever, result.Retrieved, result.Warnings,
            result.Details is { } d ? new AskDetails(d.Searches, d.SearchQueries, d.PrefixTokens, d.FirstWithPrefix) : null);
}
