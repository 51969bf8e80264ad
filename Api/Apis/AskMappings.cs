using RagLab.Api.Infrastructure;
using RagLab.Contracts;
using Domain = RagLab.Core.Kernel;

namespace RagLab.Api.Apis;

/// <summary>The part of the ask mapping only HTTP has; the rest is shared with the CLI in <c>RagLab.Infrastructure.ContractMapping</c>.</summary>
public static class AskMappings
{
    /// <param name="headers">A client bypasses the answer cache the HTTP way, with <c>Cache-Control: no-cache</c>, not with a body field.</param>
    public static Domain.AskRequest ToDomain(this AskRequest request, IHeaderDictionary headers) =>
        request.ToDomain(noCache: headers.CacheControl.Any(v => v?.Contains("no-cache", StringComparison.OrdinalIgnoreCase) == true));

    /// <summary>The request as the caller of <paramref name="context"/> asks it: with their view of the documents (never one the body names).</summary>
    public static Domain.AskRequest ToDomain(this AskRequest request, HttpContext context) =>
        request.ToDomain(context.Request.Headers) with { Scope = context.ReaderScope() };
}
