using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Qdrant;

/// <summary>
/// A thin typed client over Qdrant's REST API (the endpoints in <c>reference/qdrant/openapi.json</c> that RagLab needs).
/// Sends <c>api-key</c> when <see cref="QdrantOptions.ApiKey"/> is set; turns error bodies into <see cref="QdrantException"/>.
/// </summary>
public sealed class QdrantRestClient
{
    private readonly HttpClient _http;
    private readonly QdrantOptions _options;
    private readonly SemaphoreSlim _versionLock = new(1, 1);
    private QdrantServerVersion? _serverVersion;

    /// <param name="httpClient">Its <see cref="HttpClient.BaseAddress"/> is set from <see cref="QdrantOptions.Endpoint"/> when empty.</param>
    public QdrantRestClient(HttpClient httpClient, QdrantOptions options)
    {
        _http = httpClient;
        _options = options;
        if (_http.BaseAddress is null)
        {
            var endpoint = options.Endpoint
                ?? throw new ArgumentException("QdrantOptions.Endpoint is not set: configure ConnectionStrings:vectordb_http as 'Endpoint=http://localhost:6333;Key=<api key>'.", nameof(options));
            // Relative request paths resolve under the endpoint only if it ends with '/' (Qdrant behind a path prefix).
            _http.BaseAddress = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        }
    }

    /// <summary>
    /// GET / (<c>VersionInfo</c>), read once per client and then remembered. An answer that is not a version (an error status,
    /// a proxy's page) gives a version with a null <see cref="QdrantServerVersion.Number"/>; an unreachable server throws
    /// <see cref="DependencyUnavailableException"/> and is asked again next time.
    /// </summary>
    public async Task<QdrantServerVersion> GetServerVersionAsync(CancellationToken cancellationToken)
    {
        if (_serverVersion is { } known) return known;
        await _versionLock.WaitAsync(cancellationToken);
        try
        {
            return _serverVersion ??= await ReadServerVersionAsync(cancellationToken);
        }
        finally
        {
            _versionLock.Release();
        }
    }

    /// <summary>
    /// POST /collections/{name}/points without payload and vectors: which of <paramref name="ids"/> exist, in the canonical UUID form
    /// <see cref="QdrantPointId"/> writes. Throws <see cref="QdrantException"/> with 404 when the collection does not exist.
    /// </summary>
    public async Task<IReadOnlySet<string>> GetExistingPointIdsAsync(string name, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        using var response = await SendRequiredAsync(HttpMethod.Post, $"collections/{Escape(name)}/points",
            new QdrantPointRequest(ids, WithPayload: false, WithVector: false), cancellationToken);
        var records = await ReadResultAsync<List<QdrantRecord>>(response, cancellationToken);
        return records
            .Select(r => r.Id.ValueKind == JsonValueKind.String && Guid.TryParse(r.Id.GetString(), out var uuid) ? uuid.ToString("D") : r.Id.ToString())
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>GET /collections/{name}; null when the collection does not exist.</summary>
    public async Task<QdrantCollectionInfo?> GetCollectionAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"collections/{Escape(name)}", body: null, allowNotFound: true, cancellationToken);
        return response is null ? null : await ReadResultAsync<QdrantCollectionInfo>(response, cancellationToken);
    }

    /// <summary>PUT /collections/{name}. Returns false when it already existed (a concurrent creator won).</summary>
    public async Task<bool> CreateCollectionAsync(string name, QdrantCreateCollection body, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendRequiredAsync(HttpMethod.Put, $"collections/{Escape(name)}", body, cancellationToken);
            return true;
        }
        catch (QdrantException ex) when (ex.StatusCode == HttpStatusCode.Conflict
            || (ex.StatusCode == HttpStatusCode.BadRequest && ex.ServerError?.Contains("already exists", StringComparison.OrdinalIgnoreCase) == true))
        {
            return false;
        }
    }

    /// <summary>PUT /collections/{name}/index?wait=true: a payload index on one field.</summary>
    public async Task CreateFieldIndexAsync(string name, QdrantCreateFieldIndex body, CancellationToken cancellationToken)
    {
        using var response = await SendRequiredAsync(HttpMethod.Put, $"collections/{Escape(name)}/index?wait=true", body, cancellationToken);
    }

    /// <summary>PUT /collections/{name}/points?wait=true: returns once the points are searchable.</summary>
    public async Task UpsertPointsAsync(string name, QdrantPointsList body, CancellationToken cancellationToken)
    {
        using var response = await SendRequiredAsync(HttpMethod.Put, $"collections/{Escape(name)}/points?wait=true", body, cancellationToken);
        await EnsureCompletedAsync(response, cancellationToken);
    }

    /// <summary>POST /collections/{name}/points/delete?wait=true. Returns false when the collection does not exist.</summary>
    public async Task<bool> DeletePointsAsync(string name, QdrantFilterSelector body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"collections/{Escape(name)}/points/delete?wait=true", body, allowNotFound: true, cancellationToken);
        if (response is null) return false;
        await EnsureCompletedAsync(response, cancellationToken);
        return true;
    }

    /// <summary>POST /collections/{name}/points/query; null when the collection does not exist.</summary>
    public async Task<IReadOnlyList<QdrantScoredPoint>?> QueryPointsAsync(string name, QdrantQueryRequest body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"collections/{Escape(name)}/points/query", body, allowNotFound: true, cancellationToken);
        if (response is null) return null;
        return (await ReadResultAsync<QdrantQueryResponse>(response, cancellationToken)).Points;
    }

    private async Task<QdrantServerVersion> ReadServerVersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The empty path is the endpoint itself, i.e. Qdrant's "/" even behind a path prefix.
            using var response = await SendRequiredAsync(HttpMethod.Get, "", body: null, cancellationToken);
            var info = await response.Content.ReadFromJsonAsync<QdrantVersionInfo>(QdrantJson.Options, cancellationToken);
            return QdrantServerVersion.FromReported(info?.Version);
        }
        catch (QdrantException ex)
        {
            return new QdrantServerVersion(null, ex.Message);
        }
        catch (JsonException ex)
        {
            return new QdrantServerVersion(null, $"GET / did not answer Qdrant's VersionInfo JSON ({ex.Message})");
        }
    }

    private async Task<HttpResponseMessage> SendRequiredAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        await SendAsync(method, path, body, allowNotFound: false, cancellationToken)
        ?? throw new InvalidOperationException("A response is always returned when 404 is not allowed.");

    /// <summary>Sends one request; returns null for 404 when <paramref name="allowNotFound"/>, throws <see cref="QdrantException"/> for other errors.</summary>
    private async Task<HttpResponseMessage?> SendAsync(HttpMethod method, string path, object? body, bool allowNotFound, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (_options.ApiKey is { Length: > 0 } key) request.Headers.Add("api-key", key);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: QdrantJson.Options);

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new DependencyUnavailableException(
                $"Qdrant at {_http.BaseAddress} is not reachable ({ex.Message}). Start Qdrant (the AppHost does), or fix ConnectionStrings:vectordb_http.");
        }

        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            if (allowNotFound && response.StatusCode == HttpStatusCode.NotFound) return null;
            throw await ToExceptionAsync(method, path, response, cancellationToken);
        }
    }

    private async Task<QdrantException> ToExceptionAsync(HttpMethod method, string path, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var error = ErrorText(body);
        var status = (int)response.StatusCode;
        var message = new StringBuilder($"Qdrant {method} /{path.Split('?')[0]} failed with {status} {response.ReasonPhrase}");
        if (error.Length > 0) message.Append(": ").Append(error);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            message.Append(_options.ApiKey is null
                ? ". Qdrant requires an API key: set Key=<api key> in ConnectionStrings:vectordb_http."
                : ". The API key was rejected: check Key=<api key> in ConnectionStrings:vectordb_http matches the Qdrant server's.");
        }
        return new QdrantException(message.ToString(), response.StatusCode, error.Length > 0 ? error : null);
    }

    /// <summary>Qdrant's <c>ErrorResponse.status.error</c>, or the raw body (shortened) when it is not that shape.</summary>
    private static string ErrorText(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "";
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("status", out var status)
                && status.ValueKind == JsonValueKind.Object
                && status.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.String)
            {
                return error.GetString() ?? "";
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, a plain-text 401): show the text itself.
        }
        var text = body.Trim();
        return text.Length <= 300 ? text : text[..300] + "…";
    }

    private static async Task EnsureCompletedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var result = await ReadResultAsync<QdrantUpdateResult>(response, cancellationToken);
        // With wait=true Qdrant answers "completed"; "wait_timeout" means the write is not yet visible to searches.
        if (result.Status != "completed" && result.Status != "acknowledged")
            throw new QdrantException($"Qdrant did not complete the update (status '{result.Status}'). The server may be overloaded; retry the ingestion.");
    }

    private static async Task<T> ReadResultAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var envelope = await response.Content.ReadFromJsonAsync<QdrantResponse<T>>(QdrantJson.Options, cancellationToken);
        return envelope is { Result: { } result }
            ? result
            : throw new QdrantException($"Qdrant answered {response.RequestMessage?.RequestUri?.AbsolutePath} without a result.");
    }

    private static string Escape(string name) => Uri.EscapeDataString(name);

    private sealed record QdrantResponse<T>(T? Result);
}
