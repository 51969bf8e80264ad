using RagLab.Contracts;
using Domain = RagLab.Core.Kernel;

namespace RagLab.Api.Apis;

/// <summary>The part of the ask mapping only HTTP has; the rest is shared with the CLI in <c>RagLab.Infrastructure.ContractMapping</c>.</summary>
public static class AskMappings
{
    /// <param name="headers">A client bypasses the answer cache the HTTP way, with <c>Cache-Control: no-cache</c>, not with a body field.</param>
    public static Domain.AskRequest ToDomain(this AskRequest request, IHeaderDictionary headers) =>
        request.ToDomain(noCache: headers.CacheControl.Any(v => v?.Contains("no-cache", StringComparison.OrdinalIgnoreCase) == true));
}
