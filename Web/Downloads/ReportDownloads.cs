using System.Text.Json;
using RagLab.Contracts;
using RagLab.Web.Api;

namespace RagLab.Web.Downloads;

/// <summary>
/// <c>GET /downloads/report/{runId}.md</c> and <c>.json</c>: the decision report as a file, for the questionnaire in the query
/// string. A link can download it; a Blazor event cannot hand the browser a file without script.
/// </summary>
public static class ReportDownloads
{
    public static IEndpointRouteBuilder MapReportDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/downloads/report/{runId}.{format}", DownloadAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> DownloadAsync(string runId, string format, HttpRequest request, RagLabApiClient api, CancellationToken cancellationToken)
    {
        Questionnaire questionnaire;
        try
        {
            questionnaire = QuestionnaireQuery.FromQuery(request.Query);
        }
        catch (FormatException ex)
        {
            return Results.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid questionnaire");
        }
        var name = "raglab-decision-" + string.Concat(runId.Where(char.IsAsciiLetterOrDigit));
        try
        {
            return format.ToLowerInvariant() switch
            {
                "md" => Results.File(System.Text.Encoding.UTF8.GetBytes(await api.GetDecisionReportMarkdownAsync(runId, questionnaire, cancellationToken)),
                    "text/markdown; charset=utf-8", name + ".md"),
                "json" => Results.File(JsonSerializer.SerializeToUtf8Bytes(await api.GetDecisionReportAsync(runId, questionnaire, cancellationToken), Indented),
                    "application/json", name + ".json"),
                _ => Results.Problem($"Unknown format '{format}': use .md or .json.", statusCode: StatusCodes.Status404NotFound, title: "Not found"),
            };
        }
        catch (ApiException ex)
        {
            return Results.Problem(ex.Message, statusCode: ex.Status is { } status ? (int)status : StatusCodes.Status502BadGateway, title: "The Api refused the report");
        }
    }

    private static readonly JsonSerializerOptions Indented = new(RagLabJson.Options) { WriteIndented = true };
}
