namespace RagLab.Infrastructure.Health;

/// <summary>What <see cref="HttpDependencyHealthCheck"/> calls: a GET that must answer 2xx within <see cref="Timeout"/>.</summary>
/// <param name="DependencyName">Shown in messages, e.g. "Qdrant".</param>
/// <param name="Url">Absolute URL to GET.</param>
/// <param name="Headers">Extra request headers (e.g. Qdrant's <c>api-key</c>).</param>
/// <param name="Timeout">Per-probe limit; null means 5 seconds.</param>
public sealed record HttpDependencyProbe(string DependencyName, Uri Url, IReadOnlyDictionary<string, string>? Headers = null, TimeSpan? Timeout = null)
{
    /// <summary>Default per-probe limit.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Qdrant's readiness probe, <c>GET /readyz</c> on the REST endpoint (200 when it can take traffic, 503 while shards
    /// are not ready). The api key header is sent when given, as Qdrant requires it on every REST call when a key is set.
    /// </summary>
    /// <param name="restEndpoint">The REST (http, port 6333) endpoint, i.e. <c>ConnectionStrings:vectordb_http</c>, not the gRPC one.</param>
    public static HttpDependencyProbe QdrantReadiness(Uri restEndpoint, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(restEndpoint);
        var headers = string.IsNullOrEmpty(apiKey) ? null : new Dictionary<string, string> { ["api-key"] = apiKey };
        return new HttpDependencyProbe("Qdrant", new Uri(EnsureTrailingSlash(restEndpoint), "readyz"), headers);
    }

    private static Uri EnsureTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
