using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RagLab.ServiceDefaults;

/// <summary>Writes a <see cref="HealthReport"/> as JSON: overall status plus each check's status, description and data.</summary>
public static class HealthReportJsonWriter
{
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Matches <c>HealthCheckOptions.ResponseWriter</c>.</summary>
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new HealthResponse(
            report.Status,
            report.TotalDuration.TotalMilliseconds,
            [.. report.Entries.Select(entry => new HealthCheckEntry(
                entry.Key,
                entry.Value.Status,
                entry.Value.Description,
                entry.Value.Duration.TotalMilliseconds,
                entry.Value.Exception?.Message,
                [.. entry.Value.Tags],
                entry.Value.Data.Count == 0 ? null : entry.Value.Data))]);
        return JsonSerializer.SerializeAsync(context.Response.Body, body, SerializerOptions, context.RequestAborted);
    }

    private sealed record HealthResponse(HealthStatus Status, double TotalDurationMs, IReadOnlyList<HealthCheckEntry> Checks);

    private sealed record HealthCheckEntry(
        string Name,
        HealthStatus Status,
        string? Description,
        double DurationMs,
        string? Error,
        IReadOnlyList<string> Tags,
        IReadOnlyDictionary<string, object>? Data);
}
