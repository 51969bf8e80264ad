using Microsoft.AspNetCore.Authorization;
using RagLab.Infrastructure.Hosting;
using RagLab.Contracts;

namespace RagLab.Api.Apis;

public static class HomeApi
{
    public static IEndpointRouteBuilder MapHomeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/status", StatusAsync).RequireReader()
            .WithTags("Status").WithSummary("What this process is connected to: embedded or which endpoint, per dependency (server paths for admins only).");
        app.MapGet("/", () => Results.Content(HomePage, "text/html")).RequireReader().ExcludeFromDescription();
        return app;
    }

    /// <summary>Where the lab keeps its files on the server is for admins (the local lab's lone user is one); others see no paths.</summary>
    private static async Task<StatusResponse> StatusAsync(RagLabStatus status, HttpContext context, IAuthorizationService authorization, CancellationToken cancellationToken)
    {
        var report = await status.GetAsync(cancellationToken);
        var admin = (await authorization.AuthorizeAsync(context.User, AccessPolicies.Admin)).Succeeded;
        return (admin ? report : report.WithoutPaths()).ToContract();
    }

    private const string HomePage = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>RagLab API</title>
        <style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}code{background:#f3f3f3;padding:.1rem .3rem}</style></head>
        <body><h1>RagLab API</h1>
        <p>The lab is running. Useful links:</p>
        <ul>
          <li><a href="/api/status">/api/status</a>: what is connected (model server, vector store, cache, queue)</li>
          <li><a href="/api/documents">/api/documents</a>: your documents</li>
          <li><a href="/openapi/v1.json">/openapi/v1.json</a>: the OpenAPI description of every endpoint</li>
          <li><a href="/health">/health</a>: readiness</li>
        </ul>
        <p>Try: <code>curl -X POST localhost:5080/api/ask -H 'content-type: application/json' -d '{"question":"…"}'</code></p>
        </body></html>
        """;
}
