using System.Text.Json.Nodes;

namespace RagLab.Testing;

/// <summary>
/// One in-memory collection of the fake Qdrant: named dense vectors (Cosine, Dot, Euclid, Manhattan), named sparse vectors
/// (dot product, optionally with the <c>idf</c> modifier), keyword payload filters and RRF fusion of prefetches.
/// Callers hold the server's lock.
/// </summary>
public sealed class FakeQdrantCollection(string name, IReadOnlyDictionary<string, (int Size, string Distance)> dense, IReadOnlyDictionary<string, string> sparse)
{
    /// <summary>Qdrant's default RRF constant: a point at 0-based position p in a prefetch scores 1/(p + 2).</summary>
    public const int DefaultRrfK = 2;

    private readonly Dictionary<string, FakeQdrantPoint> _points = [];
    private long _version;

    public string Name { get; } = name;
    public IReadOnlyDictionary<string, (int Size, string Distance)> Dense { get; } = dense;
    /// <summary>Sparse vector name → modifier (<c>none</c> or <c>idf</c>).</summary>
    public IReadOnlyDictionary<string, string> Sparse { get; } = sparse;
    public Dictionary<string, string> PayloadIndexes { get; } = [];
    public IReadOnlyCollection<FakeQdrantPoint> Points => _points.Values;

    /// <summary>The <c>CollectionInfo</c> returned by GET /collections/{name}.</summary>
    public JsonObject Info()
    {
        var vectors = new JsonObject();
        foreach (var (vectorName, (size, distance)) in Dense)
        {
            vectors[vectorName] = new JsonObject { ["size"] = size, ["distance"] = distance };
        }
        var sparseVectors = new JsonObject();
        foreach (var (vectorName, modifier) in Sparse)
        {
            sparseVectors[vectorName] = new JsonObject { ["modifier"] = modifier };
        }
        var schema = new JsonObject();
        foreach (var (field, type) in PayloadIndexes)
        {
            schema[field] = new JsonObject { ["data_type"] = type, ["points"] = _points.Count };
        }
        return new JsonObject
        {
            ["status"] = "green",
            ["optimizer_status"] = "ok",
            ["indexed_vectors_count"] = 0,
            ["points_count"] = _points.Count,
            ["segments_count"] = 1,
            ["config"] = new JsonObject
            {
                ["params"] = new JsonObject
                {
                    ["vectors"] = vectors,
                    ["shard_number"] = 1,
                    ["replication_factor"] = 1,
                    ["write_consistency_factor"] = 1,
                    ["on_disk_payload"] = true,
                    ["sparse_vectors"] = sparseVectors,
                },
                ["hnsw_config"] = new JsonObject { ["m"] = 16, ["ef_construct"] = 100, ["full_scan_threshold"] = 10000, ["max_indexing_threads"] = 0, ["on_disk"] = false },
                ["optimizer_config"] = new JsonObject { ["deleted_threshold"] = 0.2, ["vacuum_min_vector_number"] = 1000, ["default_segment_number"] = 0, ["flush_interval_sec"] = 5 },
            },
            ["payload_schema"] = schema,
        };
    }

    /// <summary>Validates and stores one <c>PointStruct</c> according to <paramref name="updateMode"/>.</summary>
    public void Upsert(JsonNode? pointNode, string updateMode)
    {
        var point = FakeQdrantSchema.Object(pointNode, "PointStruct", FakeQdrantSchema.PointStruct, "id", "vector");
        var id = FakeQdrantSchema.PointId(point["id"]);
        var denseVectors = new Dictionary<string, float[]>();
        var sparseVectors = new Dictionary<string, Dictionary<uint, float>>();

        if (point["vector"] is JsonArray unnamed)
        {
            denseVectors[""] = DenseVector("", unnamed);
        }
        else if (point["vector"] is JsonObject named)
        {
            foreach (var (vectorName, value) in named)
            {
                if (Dense.ContainsKey(vectorName)) denseVectors[vectorName] = DenseVector(vectorName, value);
                else if (Sparse.ContainsKey(vectorName)) sparseVectors[vectorName] = FakeQdrantSchema.Sparse(value, $"points.vector.{vectorName}");
                else throw FakeQdrantException.BadRequest($"Wrong input: Not existing vector name error: {vectorName}");
            }
        }
        else
        {
            throw FakeQdrantException.BadRequest("Format error in JSON body: vector must be an array or an object of named vectors");
        }

        var payload = point["payload"] switch
        {
            null => new JsonObject(),
            JsonObject obj => (JsonObject)obj.DeepClone(),
            _ => throw FakeQdrantException.BadRequest("Format error in JSON body: payload must be an object"),
        };

        var exists = _points.ContainsKey(id);
        if ((updateMode == "insert_only" && exists) || (updateMode == "update_only" && !exists)) return;
        _points[id] = new FakeQdrantPoint(id, denseVectors, sparseVectors, payload, ++_version);
    }

    /// <summary>The point with this canonical id, or null.</summary>
    public FakeQdrantPoint? Find(string id) => _points.GetValueOrDefault(id);

    /// <summary>Deletes the points a filter matches, or the listed ids.</summary>
    public void Delete(JsonObject? filter, IReadOnlyList<string>? ids)
    {
        var doomed = ids ?? _points.Values.Where(p => FakeQdrantFilter.Matches(filter, p.Payload)).Select(p => p.Id).ToList();
        foreach (var id in doomed) _points.Remove(id);
    }

    /// <summary>Runs a <c>QueryRequest</c> or <c>Prefetch</c> and returns the points with their scores, best first.</summary>
    public List<(FakeQdrantPoint Point, double Score)> Query(JsonObject request, bool isPrefetch)
    {
        FakeQdrantSchema.Object(request, isPrefetch ? "Prefetch" : "QueryRequest", isPrefetch ? FakeQdrantSchema.Prefetch : FakeQdrantSchema.QueryRequest);
        var filter = request["filter"] is null ? null : FakeQdrantFilter.Validate(request["filter"]);
        var limit = request["limit"]?.GetValue<int>() ?? 10;
        if (limit < 1) throw FakeQdrantException.BadRequest("Validation error in JSON body: [limit: value 0 invalid, must be 1 or larger]");
        var offset = isPrefetch ? 0 : request["offset"]?.GetValue<int>() ?? 0;
        var vectorName = request["using"]?.GetValue<string>() ?? "";

        List<List<(FakeQdrantPoint Point, double Score)>>? prefetched = null;
        if (request["prefetch"] is { } prefetchNode)
        {
            var prefetches = prefetchNode is JsonArray array ? array.ToList() : [prefetchNode];
            prefetched = prefetches.Select(p => Query(p as JsonObject ?? throw FakeQdrantException.BadRequest("Format error in JSON body: prefetch must be an object"), isPrefetch: true)).ToList();
        }

        var query = request["query"];
        if (query is JsonObject { } wrapper && wrapper["nearest"] is { } nearest)
        {
            FakeQdrantSchema.Object(wrapper, "NearestQuery", ["nearest", "mmr"], "nearest");
            query = nearest;
        }

        List<(FakeQdrantPoint Point, double Score)> scored;
        if (query is JsonObject fusionQuery && (fusionQuery.ContainsKey("fusion") || fusionQuery.ContainsKey("rrf")))
        {
            if (prefetched is null) throw FakeQdrantException.BadRequest("Bad request: Fusion queries need prefetches");
            var k = DefaultRrfK;
            if (fusionQuery.ContainsKey("fusion"))
            {
                FakeQdrantSchema.Object(fusionQuery, "FusionQuery", ["fusion"], "fusion");
                if (FakeQdrantSchema.OneOf(fusionQuery["fusion"], "fusion", FakeQdrantSchema.Fusions) != "rrf")
                    throw FakeQdrantException.BadRequest("The fake Qdrant implements only rrf fusion");
            }
            else
            {
                FakeQdrantSchema.Object(fusionQuery, "RrfQuery", ["rrf"], "rrf");
                k = fusionQuery["rrf"]?["k"]?.GetValue<int>() ?? DefaultRrfK;
            }
            scored = Rrf(prefetched, k).Where(s => FakeQdrantFilter.Matches(filter, s.Point.Payload)).ToList();
        }
        else
        {
            var candidates = prefetched is null
                ? _points.Values
                : prefetched.SelectMany(list => list.Select(s => s.Point)).DistinctBy(p => p.Id);
            candidates = candidates.Where(p => FakeQdrantFilter.Matches(filter, p.Payload));
            scored = query switch
            {
                JsonArray dense => DenseSearch(vectorName, FakeQdrantSchema.FloatArray(dense, "query"), candidates),
                JsonObject sparse when FakeQdrantSchema.IsSparse(sparse) => SparseSearch(vectorName, FakeQdrantSchema.Sparse(sparse, "query"), candidates),
                null when prefetched is null => candidates.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => (p, 0d)).ToList(),
                _ => throw FakeQdrantException.BadRequest($"The fake Qdrant does not implement this query: {query?.ToJsonString()}"),
            };
        }

        if (request["score_threshold"]?.GetValue<double>() is double threshold)
            scored = scored.Where(s => s.Score >= threshold).ToList();
        return scored.Skip(offset).Take(limit).ToList();
    }

    private float[] DenseVector(string vectorName, JsonNode? node)
    {
        if (!Dense.TryGetValue(vectorName, out var config))
            throw FakeQdrantException.BadRequest($"Wrong input: Not existing vector name error: {vectorName}");
        var vector = FakeQdrantSchema.FloatArray(node, $"vector.{vectorName}");
        if (vector.Length != config.Size)
            throw FakeQdrantException.BadRequest($"Wrong input: Vector dimension error: expected dim: {config.Size}, got {vector.Length}");
        return config.Distance == "Cosine" ? Normalize(vector) : vector;
    }

    private List<(FakeQdrantPoint Point, double Score)> DenseSearch(string vectorName, float[] query, IEnumerable<FakeQdrantPoint> candidates)
    {
        if (!Dense.TryGetValue(vectorName, out var config))
            throw FakeQdrantException.BadRequest($"Wrong input: Not existing vector name error: {vectorName}");
        if (query.Length != config.Size)
            throw FakeQdrantException.BadRequest($"Wrong input: Vector dimension error: expected dim: {config.Size}, got {query.Length}");
        var q = config.Distance == "Cosine" ? Normalize(query) : query;
        var results = candidates
            .Where(p => p.Dense.ContainsKey(vectorName))
            .Select(p => (Point: p, Score: Score(config.Distance, q, p.Dense[vectorName])));
        // Distances (Euclid, Manhattan) rank smaller first; similarities larger first.
        var ascending = config.Distance is "Euclid" or "Manhattan";
        return (ascending ? results.OrderBy(r => r.Score) : results.OrderByDescending(r => r.Score))
            .ThenBy(r => r.Point.Id, StringComparer.Ordinal).ToList();
    }

    private List<(FakeQdrantPoint Point, double Score)> SparseSearch(string vectorName, Dictionary<uint, float> query, IEnumerable<FakeQdrantPoint> candidates)
    {
        if (!Sparse.TryGetValue(vectorName, out var modifier))
            throw FakeQdrantException.BadRequest($"Wrong input: Not existing vector name error: {vectorName}");
        var weights = new Dictionary<uint, double>();
        var withVector = _points.Values.Where(p => p.Sparse.ContainsKey(vectorName)).ToList();
        foreach (var (index, value) in query)
        {
            weights[index] = modifier == "idf" ? value * Idf(withVector.Count, withVector.Count(p => p.Sparse[vectorName].ContainsKey(index))) : value;
        }
        // A sparse index only finds points sharing at least one index with the query.
        return candidates
            .Where(p => p.Sparse.TryGetValue(vectorName, out var v) && v.Keys.Any(weights.ContainsKey))
            .Select(p => (Point: p, Score: p.Sparse[vectorName].Sum(e => weights.TryGetValue(e.Key, out var w) ? w * e.Value : 0)))
            .OrderByDescending(r => r.Score).ThenBy(r => r.Point.Id, StringComparer.Ordinal)
            .Select(r => (r.Point, r.Score)).ToList();
    }

    /// <summary>Qdrant's IDF modifier: ln(1 + (N − n + 0.5) / (n + 0.5)) over the points having this sparse vector.</summary>
    public static double Idf(int points, int pointsWithTerm) => Math.Log(1 + (points - pointsWithTerm + 0.5) / (pointsWithTerm + 0.5));

    private static List<(FakeQdrantPoint Point, double Score)> Rrf(List<List<(FakeQdrantPoint Point, double Score)>> lists, int k)
    {
        var fused = new Dictionary<string, (FakeQdrantPoint Point, double Score)>();
        foreach (var list in lists)
        {
            for (var position = 0; position < list.Count; position++)
            {
                var point = list[position].Point;
                var score = 1.0 / (position + k);
                fused[point.Id] = fused.TryGetValue(point.Id, out var existing) ? (point, existing.Score + score) : (point, score);
            }
        }
        return fused.Values.OrderByDescending(f => f.Score).ThenBy(f => f.Point.Id, StringComparer.Ordinal).Select(f => (f.Point, f.Score)).ToList();
    }

    private static double Score(string distance, float[] a, float[] b) => distance switch
    {
        "Euclid" => Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum()),
        "Manhattan" => a.Zip(b, (x, y) => Math.Abs((double)x - y)).Sum(),
        _ => a.Zip(b, (x, y) => (double)x * y).Sum(),
    };

    private static float[] Normalize(float[] vector)
    {
        var norm = Math.Sqrt(vector.Sum(x => (double)x * x));
        return norm == 0 ? vector : vector.Select(x => (float)(x / norm)).ToArray();
    }
}
