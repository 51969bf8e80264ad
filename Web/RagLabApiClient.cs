using System.Net;
using System.Text.Json;
using RagLab.Contracts;
using RagLab.Web.Api;

namespace RagLab.Web;

/// <summary>
/// The Web UI's view of the Api, in the Api's own contract types. Every failure is an <see cref="ApiException"/> whose message
/// can be shown next to what failed: the problem's <c>detail</c>, or why the Api could not be reached.
/// </summary>
public sealed partial class RagLabApiClient(HttpClient http)
{
    /// <summary>Where the Api is, for messages.</summary>
    public Uri? BaseAddress => http.BaseAddress;

    public Task<StatusResponse> GetStatusAsync(CancellationToken cancellationToken) =>
        GetAsync<StatusResponse>("/api/status", cancellationToken);

    /// <summary>The registered modes, each with whether it can answer on <paramref name="collection"/> now and why not (null: the default collection).</summary>
    public async Task<IReadOnlyList<AnswerMode>> GetModesAsync(string? collection, CancellationToken cancellationToken) =>
        await GetAsync<List<AnswerMode>>("/api/modes" + (string.IsNullOrEmpty(collection) ? "" : "?collection=" + Uri.EscapeDataString(collection)), cancellationToken);

    public Task<JobResponse> GetJobAsync(string id, CancellationToken cancellationToken) =>
        GetAsync<JobResponse>($"/api/jobs/{Uri.EscapeDataString(id)}", cancellationToken);

    public async Task<IReadOnlyList<JobResponse>> GetJobsAsync(string? kind, int limit, CancellationToken cancellationToken) =>
        await GetAsync<List<JobResponse>>($"/api/jobs?limit={limit}" + (kind is null ? "" : "&kind=" + Uri.EscapeDataString(kind)), cancellationToken);

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private async Task<T> PostJsonAsync<T>(string path, object body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, body.GetType(), options: RagLabJson.Options) }, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, path), cancellationToken);
    }

    /// <summary>Sends the request and returns a successful response; anything else becomes an <see cref="ApiException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        HttpResponseMessage response;
        using (var message = request())
        {
            try
            {
                response = await http.SendAsync(message, completion, cancellationToken);
            }
            catch (HttpRequestException ex)
            {
                throw new ApiException($"The lab's Api at {http.BaseAddress} did not answer: {ex.Message}", ex.StatusCode, ex);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ApiException($"The lab's Api at {http.BaseAddress} took too long to answer.", null, ex);
            }
            catch (Polly.ExecutionRejectedException ex)
            {
                // The resilience handler's own refusals: its timeout, or its circuit breaker after repeated failures.
                throw new ApiException($"The lab's Api at {http.BaseAddress} is not answering right now ({ex.Message}).", null, ex);
            }
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
            throw await ProblemAsync(response, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(RagLabJson.Options, cancellationToken)
                ?? throw new ApiException($"The Api sent an empty answer to {response.RequestMessage?.RequestUri?.AbsolutePath}.", response.StatusCode);
        }
        catch (JsonException ex)
        {
            throw new ApiException($"The Api's answer to {response.RequestMessage?.RequestUri?.AbsolutePath} was not what this page expects: {ex.Message}", response.StatusCode, ex);
        }
    }

    /// <summary>
    /// Problem details (RFC 9457) are ASP.NET Core's shape, not RagLab's contract: only <c>detail</c> and <c>title</c> are read,
    /// and the <c>errors</c> extension when it holds RagLab's <see cref="DatasetLineError"/>s (a refused JSONL upload).
    /// </summary>
    internal static async Task<ApiException> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string? message = null;
        IReadOnlyList<DatasetLineError>? lineErrors = null;
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (problem.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String && detail.GetString() is { Length: > 0 } text)
                    message = text;
                else if (problem.RootElement.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String && title.GetString() is { Length: > 0 } titleText)
                    message = $"{titleText} ({(int)response.StatusCode}).";
                lineErrors = LineErrorsOf(problem.RootElement);
            }
        }
        catch (JsonException)
        {
        }
        message ??= response.StatusCode == HttpStatusCode.NotFound
            ? $"The Api has no {response.RequestMessage?.RequestUri?.AbsolutePath} (404)."
            : $"The Api answered {(int)response.StatusCode} {response.ReasonPhrase}.";
        return new ApiException(message, response.StatusCode, lineErrors: lineErrors);
    }

    // ASP.NET Core's own validation problems use "errors" too, as an object of field names: only an array of lines is ours.
    private static List<DatasetLineError>? LineErrorsOf(JsonElement problem)
    {
        if (!problem.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array) return null;
        try
        {
            var lines = errors.Deserialize<List<DatasetLineError>>(RagLabJson.Options);
            return lines is { Count: > 0 } && lines.All(l => l is { Line: > 0, Message.Length: > 0 }) ? lines : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
