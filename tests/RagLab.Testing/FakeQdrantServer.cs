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
/// create/get/exists collection, payload index, upsert, delete by filter or ids, and <c>/points/query</c> with prefetch and RRF.
/// Bodies are checked against the spec's field names (unknown fields → 400, as Qdrant's strict JSON does), the <c>api-key</c>
/// header is enforced when an API key is set, and every request is recorded.
/// </summary>
public sealed class FakeQdrantServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly object _lock = new();
    private readonly Dictionary<string, FakeQdrantCollection> _collections = [];
    private readonly List<FakeQdrantRequest> _requests = [];
    private readonly List<(string Method, string PathSuffix, int Status, string Error)> _failures = [];
    private long _operationId;

    private FakeQdrantServer(WebApplication app, string? apiKey)
    {
        _app = app;
        ApiKey = apiKey;
    }

    /// <summary>Starts a server on a free port. With <paramref name="apiKey"/>, requests without that <c>api-key</c> get 401.</summary>
    public static async Task<FakeQdrantServer> StartAsync(string? apiKey = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeQdrantServer(app, apiKey);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Endpoint = new Uri(address);
        return server;
    }

    public Uri Endpoint { get; private set; } = null!;

    public string? ApiKey { get; }

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
            JsonNode? result;
            lock (_lock)
            {
                result = Handle(request.Method, request.Path.Value ?? "/", request.Query, body, apiKey);
            }
            status = 200;
            response = new JsonObject { ["result"] = result, ["status"] = "ok", ["time"] = 0.0001 };
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

    private JsonNode? Handle(string method, string path, IQueryCollection query, string body, string? apiKey)
    {
        if (ApiKey is not null && apiKey != ApiKey)
            throw new FakeQdrantException(401, "Must provide an API key or an Authorization bearer token");

        var failure = _failures.FindIndex(f => f.Method == method && path.EndsWith(f.PathSuffix, StringComparison.Ordinal));
        if (failure >= 0)
        {
            var (_, _, failStatus, error) = _failures[failure];
            _failures.RemoveAt(failure);
            throw new FakeQdrantException(failStatus, error);
        }

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
            ("POST", "points/delete") => Delete(Existing(name), Parse(body)),
            ("POST", "points/query") => Query(Existing(name), Parse(body)),
            _ => throw new FakeQdrantException(404, $"The fake Qdrant does not serve {method} {path}"),
        };
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
        var mode = request["update_mode"] is null ? "upsert" : FakeQdrantSchema.OneOf(request["update_mode"], "update_mode", FakeQdrantSchema.UpdateModes);
        if (request["points"] is not JsonArray points) throw FakeQdrantException.BadRequest("Format error in JSON body: points must be an array");
        foreach (var point in points) collection.Upsert(point, mode);
        return Completed();
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
            // Integer ids come back as numbers, UUIDs as strings, as Qdrant answers.
            JsonNode id = ulong.TryParse(point.Id, out var number) ? JsonValue.Create(number) : JsonValue.Create(point.Id);
            var scored = new JsonObject { ["id"] = id, ["version"] = point.Version, ["score"] = score };
            if (withPayload) scored["payload"] = point.Payload.DeepClone();
            points.Add(scored);
        }
        return new JsonObject { ["points"] = points };
    }

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
