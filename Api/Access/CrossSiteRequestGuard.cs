using Microsoft.Extensions.Options;

namespace RagLab.Api.Access;

/// <summary>
/// No web page on another origin changes the lab. A state-changing request (anything but GET, HEAD, OPTIONS, TRACE) is refused
/// with 403 when the browser says it comes from elsewhere: an <c>Origin</c> that is neither the Api's own nor an allowed one, or,
/// without an <c>Origin</c>, <c>Sec-Fetch-Site</c> <c>cross-site</c> or <c>same-site</c> (another port on localhost is the same
/// site). Requests with neither header, from the CLI, scripts and the Web's server, are not browsers' and pass. This is the
/// defence of the multipart uploads too: the Api serves no forms of its own, so it has no antiforgery tokens to check.
/// </summary>
internal sealed class CrossSiteRequestGuard(RequestDelegate next, IOptions<AccessOptions> options)
{
    private readonly HashSet<string> _allowed = new(
        options.Value.AllowedOrigins.Concat(options.Value.Cors.Origins).Select(Normalize), StringComparer.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
            return next(context);

        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
        {
            if (IsSameOrigin(request, origin) || _allowed.Contains(Normalize(origin))) return next(context);
            return RefuseAsync(context,
                $"A {request.Method} from a page on {origin} was refused: only the lab's own pages may change it. " +
                "To let another site's pages in, add its origin to RagLab:Access:AllowedOrigins.");
        }

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Equals("cross-site", StringComparison.OrdinalIgnoreCase) || site.Equals("same-site", StringComparison.OrdinalIgnoreCase))
            return RefuseAsync(context, $"A {request.Method} the browser marks as {site} was refused: only the lab's own pages may change it.");
        return next(context);
    }

    private static bool IsSameOrigin(HttpRequest request, string origin) =>
        string.Equals(Normalize(origin), Normalize($"{request.Scheme}://{request.Host}"), StringComparison.OrdinalIgnoreCase);

    /// <summary>scheme://host:port with the default port dropped, so "http://localhost:80" and "http://localhost" are one origin.</summary>
    private static string Normalize(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : origin;

    private static Task RefuseAsync(HttpContext context, string detail) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request refused", detail: detail).ExecuteAsync(context);
}
