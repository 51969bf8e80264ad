using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using RagLab.Api.Infrastructure;
using RagLab.Infrastructure;
using RagLab.Core.Kernel;

namespace RagLab.Api;

internal static class Extensions
{
    /// <summary>RagLab's domain (embedded default or the adapters configuration selects) plus the HTTP concerns of this host.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRagLab();

        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.ConfigureHttpJsonOptions(options => ConfigureJson(options.SerializerOptions));

        // Per-file limits are enforced while storing each upload; the request as a whole may carry several files.
        var maxUpload = builder.Configuration.GetValue<long?>("RagLab:Ingestion:MaxUploadBytes") ?? new IngestionOptions().MaxUploadBytes;
        builder.Services.Configure<FormOptions>(o => o.MultipartBodyLengthLimit = maxUpload * 20);
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = maxUpload * 20);
        return builder;
    }

    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }
}
