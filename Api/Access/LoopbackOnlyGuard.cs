using System.Net;

namespace RagLab.Api.Access;

/// <summary>
/// Local mode has no sign-in, so it answers this machine only: a connection from another address gets 403, whatever address
/// the server was told to listen on (<c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>). An in-process test server has no
/// remote address and passes.
/// </summary>
internal sealed class LoopbackOnlyGuard(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } address || IsLoopback(address)) return next(context);
        return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Local lab",
            detail: "This lab runs in local mode (no sign-in) and answers only its own machine. To serve a team, set RagLab:Access:Mode=shared " +
                    "with API keys (raglab keys create) or an OpenID Connect authority.").ExecuteAsync(context);
    }

    public static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
