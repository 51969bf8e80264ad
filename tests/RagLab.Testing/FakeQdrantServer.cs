using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RagLab.Testing;

/// <summary>
/// A real HTTP server on 127.0.0.1 that answers the parts of Qdrant's REST API (reference/qdrant/openapi.json) RagLab uses:
/// <c>GET /</c> (version), create/get/exists collection, payload index, upsert, retrieve by ids, delete by filter or ids, and
/// <c>/points/query</c> with prefetch and RRF. Bodies are checked against the spec's field names (unknown fields → 400; stricter
/// than Qdrant, which rejects them only on some schemas such as <c>Filter</c>, so that a misspelt field fails a test), the
/// <c>api-key</c> header is enforced when an API key is set (except on <c>GET /</c>, as Qdrant does), and every request is recorded.
/// <para>
/// It reports <see cref="Version"/> and behaves as that release does where RagLab depends on the difference: before
/// <see cref="UpdateModeSince"/>, <c>PointsList</c> had no <c>update_mode</c> and Qdrant ignored the field, so an upsert
/// replaced existing points whatever mode was sent (qdrant/qdrant v1.16.3, <c>lib/api/src/rest/schema.rs</c>).
/// </para>
/// </summary>
public sealed class FakeQdrantServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _lock = new();
    private readonly Dictionary<string, FakeQdrantCollection> _collections = [];
    private readonly List<FakeQdrantRequest> _requests = [];
    private readonly List<(string Method, string PathSuffix, int Status, string Error)> _failures = [];
    private long _operationId;

    /// <summary>The version reported unless another is asked for: the one the AppHost's Qdrant image runs.</summary>
    public const string DefaultVersion = "1.17.0";

    /// <summary>The first Qdrant release whose <c>PointsList</c> has <c>update_mode</c> (qdrant/qdrant PR #7963, tag v1.17.0).</summary>
    public static readonly Version UpdateModeSince = new(1, 17, 0);

    private FakeQdrantServer(WebApplication app, string? apiKey, Version version)
    {
        _app = app;
        ApiKey = apiKey;
        Version = version;
    }

    /// <summary>
    /// Starts a server on a free port. With <paramref name="apiKey"/>, requests without that <c>api-key</c> get 401.
    /// <paramref name="version"/> (major.minor.patch) is what <c>GET /</c> reports and which release's behaviour the fake follows.
    /// </summary>
    public static async Task<FakeQdrantServer> StartAsync(string? apiKey = null, string version = DefaultVersion, CancellationToken cancellationToken = default)
    {
        var parsed = System.Version.Parse(version);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeQdrantServer(app, apiKey, parsed);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address);
        return server;
    }

    public Uri Endpoint { get; private set; } = null!;

    public string? ApiKey { get; }

    /// <summary>The Qdrant version this fake reports at <c>GET /</c> and behaves as.</summary>
    public Version Version { get; }

    /// <summary>False before <see cref="UpdateModeSince"/>: <c>update_mode</c> is then ignored and every upsert replaces whole points.</summary>
    public bool HonoursUpdateMode => Version >= UpdateModeSince;

    /// <summary>As Aspire passes it: <c>Endpoint=http://127.0.0.1:PORT;Key=KEY</c>.</summary>
    public string ConnectionString => ApiKey is null ? $"Endpoint={Endpoint}" : $"Endpoint={Endpoint};Key={ApiKey}";

    /// <summary>Every request so far, oldest first.</summary>
    public IReadOnlyList<FakeQdrantRequest> Requests
    {
        get { lock (_lock) return _requests.ToList(); }
    }

    public void ClearRequests()
    {
        lock (_lock) _requests.Clear();
    }

    public IReadOnlyList<string> CollectionNames
    {
        get { lock (_lock) return _collections.Keys.Order(StringComparer.Ordinal).ToList(); }
    }

    /// <summary>The stored collection, or null. Read it only while no request is running.</summary>
    public FakeQdrantCollection? Collection(string name)
    {
        lock (_lock) return _collections.GetValueOrDefault(name);
    }

    /// <summary>Snapshot of a collection's points (empty when it does not exist).</summary>
    public IReadOnlyList<FakeQdrantPoint> Points(string collection)
    {
        lock (_lock) return _collections.TryGetValue(collection, out var c) ? c.Points.OrderBy(p => p.Id, StringComparer.Ordinal).ToList() : [];
    }

    /// <summary>Removes a collection as if someone deleted it from Qdrant's dashboard. False when it did not exist.</summary>
    public bool DropCollection(string name)
    {
        lock (_lock) return _collections.Remove(name);
    }

    /// <summary>The next request whose method matches and whose path ends with <paramref name="pathSuffix"/> gets this error instead.</summary>
    public void FailNext(string method, string pathSuffix, int statusCode, string error)
    {
        lock (_lock) _failures.Add((method, pathSuffix, statusCode, error));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var apiKey = request.Headers.TryGetValue("api-key", out var key) ? key.ToString() : null;

        int status;
        JsonNode response;
        try
        {
            var path = request.Path.Value ?? "/";
            status = 200;
            lock (_lock)
            {
                // GET / answers VersionInfo itself, not wrapped in a result, and needs no API key.
                response = request.Method == "GET" && path == "/"
                    ? VersionInfo()
                    : new JsonObject { ["result"] = Handle(request.Method, path, body, apiKey), ["status"] = "ok", ["time"] = 0.0001 };
            }
        }
        catch (FakeQdrantException ex)
        {
            status = ex.StatusCode;
            response = new JsonObject { ["status"] = new JsonObject { ["error"] = ex.Message }, ["time"] = 0.0 };
        }

        lock (_lock)
        {
            _requests.Add(new FakeQdrantRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? "", body, apiKey, status));
        }
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString(), context.RequestAborted);
    }

    private JsonNode? Handle(string method, string path, string body, string? apiKey)
    {
        if (ApiKey is not null && apiKey != ApiKey)
            throw new FakeQdrantException(401, "Must provide an API key or an Authorization bearer token");
        FailIfAsked(method, path);

        var segments = path.Trim('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
        if (segments.Length < 2 || segments[0] != "collections")
            throw new FakeQdrantException(404, $"The fake Qdrant does not serve {method} {path}");
        var name = segments[1];
        var rest = string.Join('/', segments.Skip(2));

        return (method, rest) switch
        {
            ("PUT", "") => CreateCollection(name, Parse(body)),
            ("GET", "") => Existing(name).Info(),
            ("GET", "exists") => new JsonObject { ["exists"] = _collections.ContainsKey(name) },
            ("PUT", "index") => CreateIndex(Existing(name), Parse(body)),
            ("PUT", "points") => Upsert(Existing(name), Parse(body)),
            ("POST", "points") => Retrieve(Existing(name), Parse(body)),
            ("POST", "points/delete") => Delete(Existing(name), Parse(body)),
            ("POST", "points/query") => Query(Existing(name), Parse(body)),
            _ => throw new FakeQdrantException(404, $"The fake Qdrant does not serve {method} {path}"),
        };
    }

    /// <summary>Throws the error <see cref="FailNext"/> queued for this request, if any.</summary>
    private void FailIfAsked(string method, string path)
    {
        var failure = _failures.FindIndex(f => f.Method == method && path.EndsWith(f.PathSuffix, StringComparison.Ordinal));
        if (failure < 0) return;
        var (_, _, failStatus, error) = _failures[failure];
        _failures.RemoveAt(failure);
        throw new FakeQdrantException(failStatus, error);
    }

    /// <summary><c>VersionInfo</c>: <c>title</c> and <c>version</c> are required, <c>commit</c> is left out as builds without it do.</summary>
    private JsonObject VersionInfo()
    {
        FailIfAsked("GET", "/");
        return new JsonObject { ["title"] = "qdrant - vector search engine", ["version"] = Version.ToString(3) };
    }

    private JsonNode CreateCollection(string name, JsonNode? body)
    {
        var request = FakeQdrantSchema.Object(body, "CreateCollection", FakeQdrantSchema.CreateCollection);
        if (_collections.ContainsKey(name))
            throw new FakeQdrantException(409, $"Wrong input: Collection `{name}` already exists!");

        var dense = new Dictionary<string, (int, string)>();
        if (request["vectors"] is JsonObject vectors)
        {
            // VectorsConfig: one VectorParams (unnamed vector "") or a map of named VectorParams.
            var named = vectors.ContainsKey("size") ? [new KeyValuePair<string, JsonNode?>("", vectors)] : vectors.ToList();
            foreach (var (vectorName, node) in named)
            {
                var parameters = FakeQdrantSchema.Object(node, "VectorParams", FakeQdrantSchema.VectorParams, "size", "distance");
                var size = parameters["size"]!.GetValue<int>();
                if (size < 1) throw FakeQdrantException.BadRequest("Validation error in JSON body: [vectors.size: value 0 invalid, must be 1 or larger]");
                dense[vectorName] = (size, FakeQdrantSchema.OneOf(parameters["distance"], "distance", FakeQdrantSchema.Distances));
            }
        }
        var sparse = new Dictionary<string, string>();
        if (request["sparse_vectors"] is JsonObject sparseVectors)
        {
            foreach (var (vectorName, node) in sparseVectors)
            {
                var parameters = FakeQdrantSchema.Object(node, "SparseVectorParams", FakeQdrantSchema.SparseVectorParams);
                sparse[vectorName] = parameters["modifier"] is null ? "none" : FakeQdrantSchema.OneOf(parameters["modifier"], "modifier", FakeQdrantSchema.Modifiers);
            }
        }
        _collections[name] = new FakeQdrantCollection(name, dense, sparse);
        return JsonValue.Create(true);
    }

    private JsonNode CreateIndex(FakeQdrantCollection collection, JsonNode? body)
    {
        var request = FakeQdrantSchema.Object(body, "CreateFieldIndex", FakeQdrantSchema.CreateFieldIndex, "field_name");
        var schema = request["field_schema"] is JsonObject parameters
            ? FakeQdrantSchema.OneOf(parameters["type"], "field_schema.type", FakeQdrantSchema.PayloadSchemaTypes)
            : FakeQdrantSchema.OneOf(request["field_schema"], "field_schema", FakeQdrantSchema.PayloadSchemaTypes);
        collection.PayloadIndexes[request["field_name"]!.GetValue<string>()] = schema;
        return Completed();
    }

    private JsonNode Upsert(FakeQdrantCollection collection, JsonNode? body)
    {
        if (body is JsonObject { } obj && obj.ContainsKey("batch"))
            throw FakeQdrantException.BadRequest("The fake Qdrant implements only the PointsList form of upsert");
        var request = FakeQdrantSchema.Object(body, "PointsList", FakeQdrantSchema.PointsList, "points");
        if (request["update_filter"] is not null) throw FakeQdrantException.BadRequest("The fake Qdrant does not implement update_filter");
        var mode = request["update_mode"] is null || !HonoursUpdateMode
            ? "upsert"
            : FakeQdrantSchema.OneOf(request["update_mode"], "update_mode", FakeQdrantSchema.UpdateModes);
        if (request["points"] is not JsonArray points) throw FakeQdrantException.BadRequest("Format error in JSON body: points must be an array");
        foreach (var point in points) collection.Upsert(point, mode);
        return Completed();
    }

    /// <summary><c>PointRequest</c>: the <c>Record</c>s of the listed ids that exist, in request order.</summary>
    private static JsonNode Retrieve(FakeQdrantCollection collection, JsonNode? body)
    {
        var request = FakeQdrantSchema.Object(body, "PointRequest", FakeQdrantSchema.PointRequest, "ids");
        var ids = (request["ids"] as JsonArray ?? throw FakeQdrantException.BadRequest("Format error in JSON body: ids must be an array"))
            .Select(FakeQdrantSchema.PointId).Distinct().ToList();
        // with_payload defaults to true, with_vector to false.
        var withPayload = request["with_payload"] is null || FakeQdrantSchema.Flag(request["with_payload"], "with_payload");
        if (request["with_vector"] is { } withVector && FakeQdrantSchema.Flag(withVector, "with_vector"))
            throw FakeQdrantException.BadRequest("The fake Qdrant implements only with_vector false");
        var records = new JsonArray();
        foreach (var point in ids.Select(collection.Find).OfType<FakeQdrantPoint>())
        {
            var record = new JsonObject { ["id"] = IdJson(point.Id) };
            if (withPayload) record["payload"] = point.Payload.DeepClone();
            records.Add(record);
        }
        return records;
    }

    private JsonNode Delete(FakeQdrantCollection collection, JsonNode? body)
    {
        if (body is JsonObject { } obj && obj.ContainsKey("filter"))
        {
            var selector = FakeQdrantSchema.Object(body, "FilterSelector", FakeQdrantSchema.FilterSelector, "filter");
            collection.Delete(FakeQdrantFilter.Validate(selector["filter"]), null);
        }
        else
        {
            var selector = FakeQdrantSchema.Object(body, "PointIdsList", FakeQdrantSchema.PointIdsList, "points");
            var ids = (selector["points"] as JsonArray ?? throw FakeQdrantException.BadRequest("Format error in JSON body: points must be an array"))
                .Select(FakeQdrantSchema.PointId).ToList();
            collection.Delete(null, ids);
        }
        return Completed();
    }

    private static JsonNode Query(FakeQdrantCollection collection, JsonNode? body)
    {
        var request = FakeQdrantSchema.Object(body, "QueryRequest", FakeQdrantSchema.QueryRequest);
        var withPayload = request["with_payload"] switch
        {
            null => false,
            JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
            _ => throw FakeQdrantException.BadRequest("The fake Qdrant implements only with_payload true/false"),
        };
        var points = new JsonArray();
        foreach (var (point, score) in collection.Query(request, isPrefetch: false))
        {
            var scored = new JsonObject { ["id"] = IdJson(point.Id), ["version"] = point.Version, ["score"] = score };
            if (withPayload) scored["payload"] = point.Payload.DeepClone();
            points.Add(scored);
        }
        return new JsonObject { ["points"] = points };
    }

    /// <summary>Integer ids come back as numbers, UUIDs as strings, as Qdrant answers.</summary>
    private static JsonNode IdJson(string id) => ulong.TryParse(id, out var number) ? JsonValue.Create(number) : JsonValue.Create(id);

    private FakeQdrantCollection Existing(string name) =>
        _collections.GetValueOrDefault(name) ?? throw FakeQdrantException.CollectionNotFound(name);

    private JsonObject Completed() => new() { ["operation_id"] = ++_operationId, ["status"] = "completed" };

    private static JsonNode? Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) throw FakeQdrantException.BadRequest("Format error in JSON body: EOF while parsing a value at line 1 column 0");
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException ex)
        {
            throw FakeQdrantException.BadRequest($"Format error in JSON body: {ex.Message}");
        }
    }
}
