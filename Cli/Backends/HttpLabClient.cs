using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using RagLab.Contracts;

namespace RagLab.Cli.Backends;

/// <summary>
/// A running RagLab Api, through its HTTP routes: it sends and reads only <c>RagLab.Contracts</c> types, and problem
/// responses become <see cref="LabApiException"/>s with the Api's own message.
/// </summary>
public sealed class HttpLabClient(HttpClient http) : ILabClient
{
    /// <summary>The wire's settings (camelCase, enums as strings), as the Api writes them.</summary>
    internal static JsonSerializerOptions Json => RagLabJson.Options;

    public string Location => http.BaseAddress?.ToString() ?? "(no address)";

    public async Task<IngestedFile> SubmitFileAsync(string path, string? collection, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        using var form = new MultipartFormDataContent();
        await using var stream = File.OpenRead(path);
        form.Add(FileContent(stream), "files", name);
        if (!string.IsNullOrEmpty(collection)) form.Add(new StringContent(collection), "collection");

        using var response = await SendAsync(HttpMethod.Post, "api/documents", form, cancellationToken, throwOnError: false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // A file the Api refused (type, size, parse error) is that file's failure, not the command's.
            if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.UnprocessableEntity
                && Problem.TryParse(body) is { } problem && problem.HasDocuments)
                return new IngestedFile(path, name, null, collection, "failed", null, problem.Message);
            throw ToException(response, body);
        }
        var upload = JsonSerializer.Deserialize<UploadResponse>(body, Json);
        var document = upload?.Documents.FirstOrDefault() ?? throw new InvalidDataException($"The Api accepted '{name}' but returned no document.");
        return new IngestedFile(path, document.Name, document.Id, document.Collection ?? collection, document.Status.ToString().ToLowerInvariant(), document.JobId, document.Error);
    }

    public async Task<JobResponse?> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        await GetOrNullAsync<JobResponse>($"api/jobs/{Uri.EscapeDataString(jobId)}", cancellationToken);

    public async Task<IReadOnlyList<DocumentResponse>> ListDocumentsAsync(string? collection, CancellationToken cancellationToken) =>
        await GetAsync<List<DocumentResponse>>("api/documents" + Query(("collection", collection)), cancellationToken);

    public async Task DeleteDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        using var _ = await SendAsync(HttpMethod.Delete, $"api/documents/{Uri.EscapeDataString(documentId)}", null, cancellationToken);
    }

    public Task<SearchResponse> SearchAsync(string query, string? retriever, int? topK, string? collection, CancellationToken cancellationToken) =>
        PostAsync<SearchResponse>("api/search", new SearchRequest(query, topK, retriever, collection), cancellationToken);

    public async Task<IReadOnlyList<string>> GetModesAsync(CancellationToken cancellationToken) =>
        [.. (await GetAsync<List<AnswerMode>>("api/modes", cancellationToken)).Select(m => m.Name)];

    public async Task<AskResponse> AskAsync(AskRequest request, bool bypassCache, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/ask") { Content = JsonContent.Create(request, options: Json) };
        if (bypassCache) message.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        using var response = await SendRawAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw ToException(response, body);
        return Deserialize<AskResponse>(body, "api/ask");
    }

    public async IAsyncEnumerable<AskStreamEvent> AskStreamingAsync(AskRequest request, bool bypassCache, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/ask/stream") { Content = JsonContent.Create(request, options: Json) };
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (bypassCache) message.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        using var response = await SendRawAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode) throw ToException(response, await response.Content.ReadAsStringAsync(cancellationToken));

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? eventName = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event:", StringComparison.Ordinal)) eventName = line[6..].Trim();
            else if (line.StartsWith("data:", StringComparison.Ordinal)) data.Append(line[5..].TrimStart());
            else if (line.Length == 0 && eventName is not null)
            {
                var payload = data.ToString();
                data.Clear();
                switch (eventName)
                {
                    case AskStreamEvent.TokenName:
                        yield return new AskTokenEvent(JsonSerializer.Deserialize<AskTokenEvent>(payload, Json)?.Text ?? "");
                        break;
                    case AskStreamEvent.DoneName:
                        yield return new AskDoneEvent(Deserialize<AskResponse>(payload, "api/ask/stream"));
                        yield break;
                    case AskStreamEvent.ErrorName:
                        var error = JsonSerializer.Deserialize<AskErrorEvent>(payload, Json);
                        throw ToException((HttpStatusCode)(error?.Status ?? 500), error?.Detail ?? payload);
                }
                eventName = null;
            }
        }
        throw new InvalidDataException("The Api's answer stream ended without a result.");
    }

    public Task<StatusResponse> GetStatusAsync(CancellationToken cancellationToken) => GetAsync<StatusResponse>("api/status", cancellationToken);

    public async Task<EvalSetResponse> ImportEvalSetAsync(string path, string name, string? collection, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        await using var stream = File.OpenRead(path);
        form.Add(FileContent(stream), "file", Path.GetFileName(path));
        form.Add(new StringContent(name), "name");
        if (!string.IsNullOrEmpty(collection)) form.Add(new StringContent(collection), "collection");
        return await ReadAsync<EvalSetResponse>(HttpMethod.Post, "api/evalsets", form, cancellationToken);
    }

    public async Task<BeirImportResponse> ImportBeirAsync(string directory, string collection, string split, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(directory);
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"BEIR dataset folder '{full}' does not exist.");
        var files = new[] { ("corpus", Path.Combine(full, "corpus.jsonl")), ("queries", Path.Combine(full, "queries.jsonl")), ("qrels", Path.Combine(full, "qrels", split + ".tsv")) };
        foreach (var (_, file) in files)
            if (!File.Exists(file)) throw new FileNotFoundException($"'{full}' is not a BEIR dataset folder for split '{split}': {Path.GetRelativePath(full, file)} is missing.", file);

        using var form = new MultipartFormDataContent();
        var streams = new List<Stream>();
        try
        {
            foreach (var (field, file) in files)
            {
                var stream = File.OpenRead(file);
                streams.Add(stream);
                form.Add(FileContent(stream), field, Path.GetFileName(file));
            }
            form.Add(new StringContent(collection), "collection");
            form.Add(new StringContent(split), "split");
            return await ReadAsync<BeirImportResponse>(HttpMethod.Post, "api/evalsets/beir", form, cancellationToken);
        }
        finally
        {
            foreach (var stream in streams) await stream.DisposeAsync();
        }
    }

    public async Task<IReadOnlyList<EvalSetResponse>> ListEvalSetsAsync(string? collection, CancellationToken cancellationToken) =>
        await GetAsync<List<EvalSetResponse>>("api/evalsets" + Query(("collection", collection)), cancellationToken);

    public Task<JobAccepted> StartReembedAsync(string collection, CancellationToken cancellationToken) =>
        PostAsync<JobAccepted>($"api/collections/{Uri.EscapeDataString(collection)}/reembed", new { }, cancellationToken);

    public Task<EvalRunAccepted> StartEvalRunAsync(StartEvalRunRequest request, CancellationToken cancellationToken) =>
        PostAsync<EvalRunAccepted>("api/evalruns", request, cancellationToken);

    public Task<EvalRunResponse?> GetEvalRunAsync(string runId, CancellationToken cancellationToken) =>
        GetOrNullAsync<EvalRunResponse>($"api/evalruns/{Uri.EscapeDataString(runId)}", cancellationToken);

    public async Task<IReadOnlyList<EvalRetrievalResult>> GetEvalRetrievalsAsync(string runId, CancellationToken cancellationToken) =>
        [.. (await GetAsync<List<EvalQuestionResult>>($"api/evalruns/{Uri.EscapeDataString(runId)}/results", cancellationToken)).SelectMany(q => q.Retrievals)];

    public async Task<IReadOnlyList<EvalRunResponse>> ListEvalRunsAsync(string? setId, CancellationToken cancellationToken) =>
        await GetAsync<List<EvalRunResponse>>("api/evalruns" + Query(("setId", setId)), cancellationToken);

    public async Task<DecisionReport> GetReportAsync(string runId, Questionnaire questionnaire, CancellationToken cancellationToken)
    {
        var path = ReportPath(runId, "json");
        return Deserialize<DecisionReport>(await PostForTextAsync(path, questionnaire, cancellationToken), path);
    }

    public Task<string> GetReportMarkdownAsync(string runId, Questionnaire questionnaire, CancellationToken cancellationToken) =>
        PostForTextAsync(ReportPath(runId, "md"), questionnaire, cancellationToken);

    private static string ReportPath(string runId, string format) => $"api/evalruns/{Uri.EscapeDataString(runId)}/report?format={format}";

    private async Task<string> PostForTextAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, path, JsonContent.Create(body, body.GetType(), options: Json), cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }

    private static StreamContent FileContent(Stream stream)
    {
        var content = new StreamContent(stream);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToArray();
        return present.Length == 0 ? "" : "?" + string.Join('&', present);
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        await ReadAsync<T>(HttpMethod.Get, path, null, cancellationToken);

    private async Task<T?> GetOrNullAsync<T>(string path, CancellationToken cancellationToken) where T : class
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken, throwOnError: false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound && Problem.TryParse(body) is not null) return null;
        if (!response.IsSuccessStatusCode) throw ToException(response, body);
        return Deserialize<T>(body, path);
    }

    private Task<T> PostAsync<T>(string path, object body, CancellationToken cancellationToken) =>
        ReadAsync<T>(HttpMethod.Post, path, JsonContent.Create(body, body.GetType(), options: Json), cancellationToken);

    private async Task<T> ReadAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, content, cancellationToken);
        return Deserialize<T>(await response.Content.ReadAsStringAsync(cancellationToken), path);
    }

    private static T Deserialize<T>(string body, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Json) ?? throw new JsonException("empty body");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The Api's response to /{path.Split('?')[0]} is not what this raglab understands ({ex.Message}).");
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken, bool throwOnError = true)
    {
        using var message = new HttpRequestMessage(method, path) { Content = content };
        var response = await SendRawAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (throwOnError && !response.IsSuccessStatusCode)
        {
            using (response) throw ToException(response, await response.Content.ReadAsStringAsync(cancellationToken));
        }
        return response;
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage message, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(message, completion, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new LabApiException(null,
                $"Could not reach the RagLab Api at {Location} ({ex.Message}). Start it with `dotnet run --project Api`, or leave out --url to work in-process.");
        }
    }

    private Exception ToException(HttpResponseMessage response, string body)
    {
        var problem = Problem.TryParse(body);
        if (problem is null && response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
            return new NotSupportedException(
                $"The Api at {Location} has no route {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}; it may be older than this raglab.");
        return ToException(response.StatusCode, problem?.Message ?? (body.Length > 0 ? body : response.ReasonPhrase ?? "no detail"));
    }

    /// <summary>A refusal (4xx) or 503 carries the Api's message as it is; any other server error says the Api failed.</summary>
    private static LabApiException ToException(HttpStatusCode status, string message) =>
        status is >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError or HttpStatusCode.ServiceUnavailable
            ? new LabApiException(status, message)
            : new LabApiException(status, $"The Api failed ({(int)status}): {message}");

    /// <summary>An RFC 7807 problem body: its detail (or title) is the message a user reads.</summary>
    private sealed record Problem(int? Status, string Message, bool HasDocuments)
    {
        public static Problem? TryParse(string body)
        {
            if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{') return null;
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                var message = Text("detail") ?? Text("title");
                if (message is null) return null;
                int? status = root.TryGetProperty("status", out var s) && s.TryGetInt32(out var code) ? code : null;
                return new Problem(status, message, root.TryGetProperty("documents", out _));
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }
}
