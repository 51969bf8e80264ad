using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Qdrant;

/// <summary>
/// Both of RagLab's chunk indexes in Qdrant. Each RagLab collection is one Qdrant collection (<see cref="QdrantOptions.CollectionPrefix"/>
/// + name) where a chunk is one point with a dense vector (<see cref="QdrantOptions.VectorName"/>, cosine), a sparse BM25 vector
/// (<see cref="QdrantOptions.SparseVectorName"/>, server-side IDF) and the chunk as payload. Every search passes the reader's view
/// as a payload <c>filter</c> (<see cref="QdrantChunkPayload.ReadableBy"/>), on the prefetches and the fused query alike, so Qdrant
/// scores only points the reader may read; its IDF stays that of the whole collection, as for the embedded index.
/// </summary>
/// <remarks>
/// Qdrant's upsert replaces a whole point, so <see cref="UpsertAsync"/> writes both vectors, and <see cref="AddAsync"/> (keyword-only
/// indexing, when no embedding model is connected) writes the sparse vector with <c>update_mode: insert_only</c>: a chunk id is derived
/// from its content, so a point that already exists already holds this chunk and its sparse vector, and keeping it keeps its dense
/// vector. Either index may therefore be called first for the same chunks.
/// <para>
/// Qdrant before <see cref="QdrantServerVersion.UpdateModeSince"/> ignores <c>update_mode</c> (its upsert would replace the point and
/// drop the dense vector), so on such a server (read once from <c>GET /</c>) keyword-only indexing first asks which points exist and
/// writes only the others. That is two requests, not one atomic write: a dense upsert of the same chunk landing between them loses
/// its dense vector until the chunk is embedded again.
/// </para>
/// <para>
/// BM25's length normalisation uses the collection's average chunk length in analyzed terms, kept here from the chunks this index
/// writes (this batch included). Points written earlier keep the normalisation of the average at their write time (Qdrant cannot
/// re-weigh stored vectors), and after a restart the average starts again from the next batch written.
/// </para>
/// </remarks>
public sealed class QdrantChunkIndex(QdrantRestClient client, SparseBm25Encoder encoder, QdrantOptions options, ILogger<QdrantChunkIndex>? logger = null)
    : IVectorIndex, ILexicalIndex
{
    private const string Distance = "Cosine";
    private readonly ILogger _logger = logger ?? NullLogger<QdrantChunkIndex>.Instance;
    private int _keywordWriteLogged;
    private readonly ConcurrentDictionary<string, CollectionLayout> _layouts = new();
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private readonly ConcurrentDictionary<string, ChunkLengths> _lengths = new();

    /// <summary>Indexes chunks for dense and keyword search: one point per chunk carrying both vectors.</summary>
    public async Task UpsertAsync(IReadOnlyList<EmbeddedChunk> chunks, CancellationToken cancellationToken)
    {
        foreach (var group in chunks.GroupBy(c => c.Chunk.Collection))
        {
            var items = group.ToList();
            var size = items[0].Vector.Length;
            if (size == 0) throw new ArgumentException($"Chunk '{items[0].Chunk.Id}' has an empty embedding.", nameof(chunks));
            if (items.FirstOrDefault(c => c.Vector.Length != size) is { } odd)
                throw new ArgumentException($"Embeddings of one upsert must have one size: chunk '{odd.Chunk.Id}' has {odd.Vector.Length}, the first has {size}.", nameof(chunks));

            var sparse = EncodeDocuments(group.Key, items.Select(c => c.Chunk.Text));
            var points = items.Select((c, i) => new QdrantPoint(
                QdrantPointId.ForChunk(c.Chunk.Id),
                new Dictionary<string, object>
                {
                    [options.VectorName] = c.Vector.ToArray(),
                    [options.SparseVectorName] = sparse[i],
                },
                QdrantChunkPayload.From(c.Chunk))).ToList();
            await UpsertBatchesAsync(group.Key, size, points, PointWrite.Upsert, cancellationToken);
        }
    }

    /// <summary>Indexes chunks for keyword search only (no embeddings). Chunks already indexed keep their dense vector.</summary>
    public async Task AddAsync(IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken)
    {
        foreach (var group in chunks.GroupBy(c => c.Collection))
        {
            var items = group.ToList();
            var sparse = EncodeDocuments(group.Key, items.Select(c => c.Text));
            var points = items.Select((c, i) => new QdrantPoint(
                QdrantPointId.ForChunk(c.Id),
                new Dictionary<string, object> { [options.SparseVectorName] = sparse[i] },
                QdrantChunkPayload.From(c))).ToList();
            await UpsertBatchesAsync(group.Key, denseSize: null, points, await KeywordOnlyWriteAsync(cancellationToken), cancellationToken);
        }
    }

    /// <summary>Removes every point whose payload <c>document_id</c> is <paramref name="documentId"/>.</summary>
    public async Task DeleteDocumentAsync(string collection, string documentId, CancellationToken cancellationToken)
    {
        var filter = new QdrantFilterSelector(QdrantFilter.KeywordEquals(QdrantChunkPayload.DocumentId, documentId));
        if (!await client.DeletePointsAsync(options.QdrantCollectionName(collection), filter, cancellationToken))
            _layouts.TryRemove(options.QdrantCollectionName(collection), out _);
    }

    /// <summary>Nearest chunks by cosine similarity, of every document.</summary>
    public Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, ReadOnlyMemory<float> query, int topK, CancellationToken cancellationToken) =>
        SearchAsync(collection, query, topK, ReaderScope.Everything, cancellationToken);

    /// <summary>Nearest chunks <paramref name="scope"/> may read, by cosine similarity. Empty when the collection does not exist or holds no dense vectors.</summary>
    public async Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, ReadOnlyMemory<float> query, int topK, ReaderScope scope, CancellationToken cancellationToken)
    {
        if (topK <= 0) return [];
        var name = options.QdrantCollectionName(collection);
        var layout = await FindLayoutAsync(name, cancellationToken);
        if (layout?.DenseSize is not int size) return [];
        CheckQuerySize(name, size, query.Length);

        var request = new QdrantQueryRequest(query.ToArray(), topK, Using: options.VectorName, Filter: QdrantChunkPayload.ReadableBy(scope));
        return ToScoredChunks(name, await client.QueryPointsAsync(name, request, cancellationToken));
    }

    /// <summary>Best chunks by BM25, of every document.</summary>
    public Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, string query, int topK, CancellationToken cancellationToken) =>
        SearchAsync(collection, query, topK, ReaderScope.Everything, cancellationToken);

    /// <summary>Best chunks <paramref name="scope"/> may read, by BM25 (sparse dot product with server-side IDF). Empty when the collection does not exist.</summary>
    public async Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, string query, int topK, ReaderScope scope, CancellationToken cancellationToken)
    {
        var sparse = encoder.EncodeQuery(query);
        if (topK <= 0 || sparse.IsEmpty) return [];
        var name = options.QdrantCollectionName(collection);
        var request = new QdrantQueryRequest(sparse, topK, Using: options.SparseVectorName, Filter: QdrantChunkPayload.ReadableBy(scope));
        return ToScoredChunks(name, await client.QueryPointsAsync(name, request, cancellationToken));
    }

    /// <summary>
    /// One query that fuses a dense and a BM25 search by Reciprocal Rank Fusion on the server (<c>query: {"fusion": "rrf"}</c>),
    /// each prefetching <paramref name="candidates"/> points. Falls back to the one search that can run when the collection has no
    /// dense vectors or the query no indexed terms. Scores are Qdrant's RRF scores. Only points <paramref name="scope"/> may read are
    /// prefetched, and the fused query is filtered too.
    /// </summary>
    public async Task<IReadOnlyList<ScoredChunk>> HybridSearchAsync(string collection, string query, ReadOnlyMemory<float> vector, int topK, int candidates,
        ReaderScope scope, CancellationToken cancellationToken)
    {
        var filter = QdrantChunkPayload.ReadableBy(scope);
        if (topK <= 0) return [];
        var name = options.QdrantCollectionName(collection);
        var layout = await FindLayoutAsync(name, cancellationToken);
        if (layout is null) return [];

        var prefetch = new List<QdrantPrefetch>(2);
        if (layout.DenseSize is int size)
        {
            CheckQuerySize(name, size, vector.Length);
            prefetch.Add(new QdrantPrefetch(vector.ToArray(), options.VectorName, candidates, filter));
        }
        var sparse = encoder.EncodeQuery(query);
        if (!sparse.IsEmpty) prefetch.Add(new QdrantPrefetch(sparse, options.SparseVectorName, candidates, filter));
        if (prefetch.Count == 0) return [];

        var request = new QdrantQueryRequest(QdrantFusionQuery.Rrf, topK, Prefetch: prefetch, Filter: filter);
        return ToScoredChunks(name, await client.QueryPointsAsync(name, request, cancellationToken));
    }

    /// <summary>Sparse vectors for one collection's chunks, normalised by the collection's average length including these chunks.</summary>
    private List<QdrantSparseVector> EncodeDocuments(string collection, IEnumerable<string> texts)
    {
        var analyzed = texts.Select(encoder.Analyze).ToList();
        var average = _lengths.GetOrAdd(collection, static _ => new ChunkLengths()).Include(analyzed.Sum(t => (long)t.Count), analyzed.Count);
        return analyzed.Select(terms => encoder.EncodeDocument(terms, average)).ToList();
    }

    private async Task UpsertBatchesAsync(string collection, int? denseSize, List<QdrantPoint> points, PointWrite write, CancellationToken cancellationToken)
    {
        var name = options.QdrantCollectionName(collection);
        await EnsureCollectionAsync(name, denseSize, cancellationToken);
        var batchSize = Math.Max(1, options.BatchSize);
        foreach (var batch in points.Chunk(batchSize))
        {
            try
            {
                await WriteBatchAsync(name, batch, write, cancellationToken);
            }
            catch (QdrantException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
            {
                // The collection was deleted behind our back (e.g. from Qdrant's dashboard): create it again once.
                _layouts.TryRemove(name, out _);
                await EnsureCollectionAsync(name, denseSize, cancellationToken);
                await WriteBatchAsync(name, batch, write, cancellationToken);
            }
        }
    }

    private async Task WriteBatchAsync(string name, QdrantPoint[] batch, PointWrite write, CancellationToken cancellationToken)
    {
        switch (write)
        {
            case PointWrite.Upsert:
                await client.UpsertPointsAsync(name, new QdrantPointsList(batch), cancellationToken);
                break;
            case PointWrite.InsertOnly:
                await client.UpsertPointsAsync(name, new QdrantPointsList(batch, UpdateMode: "insert_only"), cancellationToken);
                break;
            case PointWrite.InsertMissing:
                var existing = await client.GetExistingPointIdsAsync(name, batch.Select(p => p.Id).ToList(), cancellationToken);
                var missing = batch.Where(p => !existing.Contains(p.Id)).ToList();
                if (missing.Count > 0) await client.UpsertPointsAsync(name, new QdrantPointsList(missing), cancellationToken);
                break;
        }
    }

    /// <summary>How keyword-only points are written so that existing points keep their dense vector, from the server's version.</summary>
    private async Task<PointWrite> KeywordOnlyWriteAsync(CancellationToken cancellationToken)
    {
        var version = await client.GetServerVersionAsync(cancellationToken);
        var write = version.PredatesUpdateMode ? PointWrite.InsertMissing : PointWrite.InsertOnly;
        if (Interlocked.Exchange(ref _keywordWriteLogged, 1) == 0)
        {
            if (write == PointWrite.InsertMissing)
                _logger.LogInformation(
                    "Qdrant at {Endpoint} is version {Version}, older than {UpdateModeSince} which added update_mode: keyword-only indexing " +
                    "looks up which points exist and writes only the new ones (two requests per batch), so indexed chunks keep their dense vectors; " +
                    "upgrading Qdrant makes it one request",
                    options.Endpoint, version.Number, QdrantServerVersion.UpdateModeSince);
            else if (version.Number is null)
                _logger.LogInformation(
                    "Could not read the version of Qdrant at {Endpoint} ({Reason}); assuming {UpdateModeSince} or later: keyword-only indexing " +
                    "writes with update_mode insert_only, which an older server ignores, dropping the dense vectors of chunks indexed again",
                    options.Endpoint, version.UnknownBecause, QdrantServerVersion.UpdateModeSince);
            else
                _logger.LogInformation(
                    "Qdrant at {Endpoint} is version {Version}: keyword-only indexing writes with update_mode insert_only",
                    options.Endpoint, version.Number);
        }
        return write;
    }

    /// <summary>Creates the collection and its payload indexes on first use; an existing one is only read (no PUT).</summary>
    internal async Task EnsureCollectionAsync(string name, int? denseSize, CancellationToken cancellationToken)
    {
        var layout = await FindLayoutAsync(name, cancellationToken) ?? await CreateAsync(name, denseSize ?? options.DenseVectorSize, cancellationToken);
        if (denseSize is not int wanted) return;
        if (layout.DenseSize is null)
            throw new QdrantException(
                $"Qdrant collection '{name}' has no '{options.VectorName}' vector: it was created while no embedding model was connected, " +
                "and Qdrant cannot add a vector to an existing collection. Delete the collection's documents and ingest them again, " +
                "or set QdrantOptions.DenseVectorSize to the embedding size so new collections reserve it.");
        CheckQuerySize(name, layout.DenseSize.Value, wanted);
    }

    private async Task<CollectionLayout?> FindLayoutAsync(string name, CancellationToken cancellationToken)
    {
        if (_layouts.TryGetValue(name, out var known)) return known;
        var info = await client.GetCollectionAsync(name, cancellationToken);
        if (info is null) return null;
        return _layouts[name] = LayoutOf(name, info);
    }

    private async Task<CollectionLayout> CreateAsync(string name, int? denseSize, CancellationToken cancellationToken)
    {
        await _createLock.WaitAsync(cancellationToken);
        try
        {
            if (_layouts.TryGetValue(name, out var known)) return known;
            var body = new QdrantCreateCollection(
                denseSize is int size ? new Dictionary<string, QdrantVectorParams> { [options.VectorName] = new(size, Distance) } : null,
                new Dictionary<string, QdrantSparseVectorParams> { [options.SparseVectorName] = new("idf") });
            CollectionLayout layout;
            if (await client.CreateCollectionAsync(name, body, cancellationToken))
            {
                // Keyword indexes make the document_id delete filter and per-collection filters cheap.
                await client.CreateFieldIndexAsync(name, new(QdrantChunkPayload.DocumentId, "keyword"), cancellationToken);
                await client.CreateFieldIndexAsync(name, new(QdrantChunkPayload.Collection, "keyword"), cancellationToken);
                await client.CreateFieldIndexAsync(name, new(QdrantChunkPayload.Groups, "keyword"), cancellationToken);
                layout = new CollectionLayout(denseSize);
            }
            else
            {
                var info = await client.GetCollectionAsync(name, cancellationToken)
                    ?? throw new QdrantException($"Qdrant said collection '{name}' already exists but then could not find it; retry.");
                layout = LayoutOf(name, info);
            }
            return _layouts[name] = layout;
        }
        finally
        {
            _createLock.Release();
        }
    }

    private CollectionLayout LayoutOf(string name, QdrantCollectionInfo info)
    {
        var parameters = info.Config.Params;
        if (parameters.SparseVectors is null || !parameters.SparseVectors.ContainsKey(options.SparseVectorName))
            throw new QdrantException(
                $"Qdrant collection '{name}' exists but has no sparse vector '{options.SparseVectorName}', so RagLab did not create it. " +
                "Use another QdrantOptions.CollectionPrefix or delete that collection.");
        return new CollectionLayout(parameters.DenseVectorSize(options.VectorName));
    }

    private static void CheckQuerySize(string name, int collectionSize, int vectorSize)
    {
        if (collectionSize != vectorSize)
            throw new QdrantException(
                $"Qdrant collection '{name}' holds {collectionSize}-dimensional embeddings but the embedding model gives {vectorSize}: " +
                "the embedding model changed since the collection was indexed. Delete the collection's documents and ingest them again.");
    }

    private static List<ScoredChunk> ToScoredChunks(string name, IReadOnlyList<QdrantScoredPoint>? points)
    {
        if (points is null) return [];
        var chunks = points.Select(p => new ScoredChunk(QdrantChunkPayload.ToChunk(p.Payload, name), p.Score)).ToList();
        // Qdrant orders by score only; break ties by chunk id so results are stable across runs.
        chunks.Sort((a, b) => b.Score.CompareTo(a.Score) is var byScore and not 0 ? byScore : string.CompareOrdinal(a.Chunk.Id, b.Chunk.Id));
        return chunks;
    }

    /// <summary>
    /// Running total of the analyzed lengths of the chunks written to one collection. Deletes do not subtract (the deleted
    /// chunks' lengths are not known here); a document's chunks are a small share of a collection, so the average barely moves.
    /// </summary>
    private sealed class ChunkLengths
    {
        private readonly Lock _lock = new();
        private long _terms;
        private long _chunks;

        /// <summary>Adds a batch and returns the new average (at least 1, so chunks without terms cannot make it zero).</summary>
        public double Include(long terms, int chunks)
        {
            lock (_lock)
            {
                _terms += terms;
                _chunks += chunks;
                return _chunks == 0 ? 1 : Math.Max(1, (double)_terms / _chunks);
            }
        }
    }

    /// <summary>How a batch of points is written.</summary>
    private enum PointWrite
    {
        /// <summary>Plain upsert: each point replaces any point with its id.</summary>
        Upsert,
        /// <summary>Upsert with <c>update_mode: insert_only</c>: existing points are left as they are.</summary>
        InsertOnly,
        /// <summary>For servers without <c>update_mode</c>: retrieve which ids exist, then upsert only the others.</summary>
        InsertMissing,
    }

    /// <summary>What RagLab needs to know about an existing Qdrant collection.</summary>
    private sealed record CollectionLayout(int? DenseSize);
}
