using System.Data.Common;

namespace RagLab.Infrastructure.Qdrant;

/// <summary>
/// Where Qdrant's REST API is and how RagLab lays out its collections there.
/// Aspire passes the REST endpoint as <c>ConnectionStrings:vectordb_http</c> (<c>Endpoint=http://localhost:PORT;Key=KEY</c>);
/// read it with <see cref="FromConnectionString"/>.
/// </summary>
public sealed class QdrantOptions
{
    /// <summary>The REST endpoint, e.g. <c>http://localhost:6333</c> (not the gRPC port 6334).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Sent as the <c>api-key</c> header when set.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Prepended to a RagLab collection name to get the Qdrant collection name.</summary>
    public string CollectionPrefix { get; set; } = "raglab-";

    /// <summary>Points per upsert request.</summary>
    public int BatchSize { get; set; } = 128;

    /// <summary>Name of the dense (embedding) vector in each point.</summary>
    public string VectorName { get; set; } = "dense";

    /// <summary>Name of the sparse BM25 vector in each point.</summary>
    public string SparseVectorName { get; set; } = "bm25";

    /// <summary>
    /// The embedding dimension, when known up front. Qdrant cannot add a vector to an existing collection, so a collection
    /// first created by keyword-only indexing (no embedding model connected) reserves a dense vector only if this is set.
    /// Null: the dense size is taken from the first embedded chunk.
    /// </summary>
    public int? DenseVectorSize { get; set; }

    /// <summary>The Qdrant collection that holds a RagLab collection.</summary>
    public string QdrantCollectionName(string collection) => CollectionPrefix + collection;

    /// <summary>Parses <c>Endpoint=http://host:port;Key=secret</c> (Key is optional).</summary>
    /// <exception cref="ArgumentException">The string is not in that form.</exception>
    public static QdrantOptions FromConnectionString(string connectionString)
    {
        const string Expected = "expected 'Endpoint=http://localhost:6333;Key=<api key>' (the Qdrant REST endpoint, ConnectionStrings:vectordb_http)";
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new ArgumentException($"The Qdrant connection string is empty: {Expected}.", nameof(connectionString));

        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"The Qdrant connection string is malformed ({ex.Message}): {Expected}.", nameof(connectionString), ex);
        }

        if (!builder.TryGetValue("Endpoint", out var endpointValue) || endpointValue is not string endpointText || endpointText.Length == 0)
            throw new ArgumentException($"The Qdrant connection string has no Endpoint: {Expected}.", nameof(connectionString));
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"The Qdrant Endpoint '{endpointText}' is not an http(s) URL: {Expected}.", nameof(connectionString));

        var key = builder.TryGetValue("Key", out var keyValue) ? keyValue as string : null;
        return new QdrantOptions { Endpoint = endpoint, ApiKey = string.IsNullOrEmpty(key) ? null : key };
    }
}
