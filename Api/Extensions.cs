using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using RagLab.Api.Infrastructure;
using RagLab.Infrastructure;
using RagLab.Core.Kernel;
using RagLab.Contracts;

namespace RagLab.Api;

internal static class Extensions
{
    /// <summary>RagLab's domain (embedded default or the adapters configuration selects) plus the HTTP concerns of this host.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRagLab();
        builder.AddRagLabAccess();

        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.ConfigureHttpJsonOptions(options => ConfigureJson(options.SerializerOptions));

        // Per-file limits are enforced while storing each upload; the request as a whole may carry a few files' worth
        // (RequestBodyLimits holds each route to its own limit before anything is read).
        var ingestion = builder.Configuration.GetSection("RagLab:Ingestion").Get<IngestionOptions>() ?? new IngestionOptions();
        builder.Services.Configure<FormOptions>(o =>
        {
            o.MultipartBodyLengthLimit = ingestion.RequestBytesLimit;
            // Files count as form values too; the file count itself is checked (413) by the upload route.
            o.ValueCountLimit = ingestion.MaxFilesPerRequest + 16;
        });
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o =>
            o.Limits.MaxRequestBodySize = Math.Max(ingestion.RequestBytesLimit, ingestion.JsonUploadBytesLimit));
        return builder;
    }

    /// <summary>Limits every request body before it is read (see <see cref="RequestBodyLimits"/>).</summary>
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.UseMiddleware<RequestBodyLimits>();

    public static void ConfigureJson(JsonSerializerOptions options) => RagLabJson.Configure(options);
}
