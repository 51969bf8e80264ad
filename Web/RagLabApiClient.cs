using System.Net.Http.Json;
using System.Text.Json;
using RagLab.Contracts;

namespace RagLab.Web;

/// <summary>The Web UI's view of the Api, in the Api's own contract types.</summary>
public sealed class RagLabApiClient(HttpClient http)
{
    public async Task<StatusResponse> GetStatusAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<StatusResponse>("/api/status", RagLabJson.Options, cancellationToken)
        ?? throw new HttpRequestException("The Api sent an empty status.");

    public async Task<IReadOnlyList<DocumentResponse>> GetDocumentsAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<List<DocumentResponse>>("/api/documents", RagLabJson.Options, cancellationToken) ?? [];

    /// <exception cref="HttpRequestException">The Api refused the question; the message is the problem's detail.</exception>
    public async Task<AskResponse> AskAsync(string question, string mode, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/ask", new AskRequest(question, mode), RagLabJson.Options, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException(await ProblemDetailAsync(response, cancellationToken), null, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<AskResponse>(RagLabJson.Options, cancellationToken)
            ?? throw new HttpRequestException("The Api sent an empty answer.");
    }

    // Problem details (RFC 9457) are ASP.NET Core's shape, not RagLab's contract; only 'detail' is shown.
    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { Length: > 0 } text) return text;
        }
        catch (JsonException)
        {
        }
        return $"The Api answered {(int)response.StatusCode} {response.ReasonPhrase}.";
    }
}
