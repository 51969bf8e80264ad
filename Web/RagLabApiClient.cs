using System.Net.Http.Json;
using System.Text.Json;
using RagLab.Core.Kernel;

namespace RagLab.Web;

/// <summary>The Web UI's view of the Api. Shapes are read as JSON so the UI never needs Core's types.</summary>
public sealed class RagLabApiClient(HttpClient http)
{
    public async Task<JsonElement> GetStatusAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<JsonElement>("/api/status", cancellationToken);

    public async Task<JsonElement> GetDocumentsAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<JsonElement>("/api/documents", cancellationToken);

    public async Task<JsonElement> AskAsync(string question, string mode, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/api/ask", new { question, mode }, cancellationToken);
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }
}
