using System.Collections.Concurrent;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion;

/// <summary>Keeps every index in step: what is added or removed here reaches the lexical and the vector index alike.</summary>
public sealed class ChunkIndexWriter(ILexicalIndex lexical, IVectorIndex vectors, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, IndexedDocument> _indexed = new(StringComparer.Ordinal);

    /// <summary>When this process last wrote a document to the indexes.</summary>
    public readonly record struct IndexedDocument(string Collection, DateTimeOffset IndexedAt);

    /// <summary>
    /// The documents this process has in its indexes, and when it put them there. <c>EmbeddedIndexLoader</c>
    /// compares it with the store to pick up what other processes (the CLI, a Worker) changed.
    /// </summary>
    public IReadOnlyDictionary<string, IndexedDocument> IndexedDocuments => _indexed;

    /// <summary>
    /// Records documents an index brought back from a snapshot as indexed at <paramref name="indexedAt"/> (when the
    /// snapshot was saved), so the loader's comparison with the store reloads only what changed after it. A document
    /// already recorded keeps the earlier of the two times.
    /// </summary>
    public void RestoreIndexed(string collection, IEnumerable<string> documentIds, DateTimeOffset indexedAt)
    {
        foreach (var documentId in documentIds)
            _indexed.AddOrUpdate(documentId, static (_, state) => new IndexedDocument(state.collection, state.indexedAt),
                static (_, existing, state) => existing.IndexedAt <= state.indexedAt ? existing : new IndexedDocument(state.collection, state.indexedAt),
                (collection, indexedAt));
    }

    /// <summary>Replaces a document's chunks in every index.</summary>
    public async Task ReplaceDocumentAsync(string collection, string documentId, IReadOnlyList<Chunk> chunks,
        IReadOnlyDictionary<string, float[]>? embeddings, CancellationToken cancellationToken)
    {
        await RemoveDocumentAsync(collection, documentId, cancellationToken);
        await AddAsync(chunks, embeddings, cancellationToken);
    }

    /// <summary>Removes the chunks of <paramref name="replacedDocumentIds"/> from every index, then adds <paramref name="chunks"/> in one call per index.</summary>
    public async Task ReplaceDocumentsAsync(string collection, IEnumerable<string> replacedDocumentIds, IReadOnlyList<Chunk> chunks,
        IReadOnlyDictionary<string, float[]>? embeddings, CancellationToken cancellationToken)
    {
        foreach (var documentId in replacedDocumentIds) await RemoveDocumentAsync(collection, documentId, cancellationToken);
        await AddAsync(chunks, embeddings, cancellationToken);
    }

    /// <summary>Adds chunks to the lexical index, and those with an embedding to the vector index.</summary>
    /// <remarks>
    /// Vectors go first: when one store serves both indexes (Qdrant), the point is created with its dense and sparse
    /// vectors together, and the lexical add then leaves it as it is.
    /// </remarks>
    public async Task AddAsync(IReadOnlyList<Chunk> chunks, IReadOnlyDictionary<string, float[]>? embeddings, CancellationToken cancellationToken)
    {
        if (chunks.Count == 0) return;
        try
        {
            await AddToIndexesAsync(chunks, embeddings, cancellationToken);
        }
        finally
        {
            if (embeddings is null || chunks.Any(c => !embeddings.ContainsKey(c.Id))) ChunksWithoutEmbeddingAdded?.Invoke();
        }
    }

    /// <summary>
    /// Gives chunks already in the lexical index their vectors (the background embed job). The lexical index is left
    /// alone: re-adding the same text would only churn its postings while it answers queries.
    /// </summary>
    /// <param name="storedAt">When the store recorded these vectors (their documents' update time): documents indexed here since then
    /// are current, so the loader does not read them back.</param>
    public async Task AddVectorsAsync(IReadOnlyList<Chunk> chunks, IReadOnlyDictionary<string, float[]> embeddings, CancellationToken cancellationToken,
        DateTimeOffset? storedAt = null)
    {
        var embedded = chunks.Where(c => embeddings.ContainsKey(c.Id)).Select(c => new EmbeddedChunk(c, embeddings[c.Id])).ToList();
        if (embedded.Count > 0) await vectors.UpsertAsync(embedded, cancellationToken);
        if (storedAt is not { } at) return;
        // Only documents this process has indexed: one it has not must still be loaded whole by the loader.
        foreach (var documentId in embedded.Select(e => e.Chunk.DocumentId).Distinct(StringComparer.Ordinal))
            if (_indexed.TryGetValue(documentId, out var existing) && existing.IndexedAt < at)
                _indexed.TryUpdate(documentId, existing with { IndexedAt = at }, existing);
    }

    /// <summary>
    /// Takes the documents' vectors out of the dense index and leaves their text in the lexical one (a re-embed starts with it, so
    /// the old model's vectors never meet the new one's). When one store serves both (Qdrant), its points stay, and the new
    /// vectors replace the old in place.
    /// </summary>
    public async Task RemoveVectorsAsync(string collection, IEnumerable<string> documentIds, CancellationToken cancellationToken)
    {
        if (ReferenceEquals(vectors, lexical)) return;
        foreach (var documentId in documentIds) await vectors.DeleteDocumentAsync(collection, documentId, cancellationToken);
    }

    /// <summary>Raised after chunks without a vector were added (BM25 has them; <c>EmbeddingBackfill</c> embeds them).</summary>
    public event Action? ChunksWithoutEmbeddingAdded;

    private async Task AddToIndexesAsync(IReadOnlyList<Chunk> chunks, IReadOnlyDictionary<string, float[]>? embeddings, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var chunk in chunks) _indexed[chunk.DocumentId] = new IndexedDocument(chunk.Collection, now);
        if (embeddings is { Count: > 0 })
        {
            var embedded = chunks.Where(c => embeddings.ContainsKey(c.Id)).Select(c => new EmbeddedChunk(c, embeddings[c.Id])).ToList();
            await vectors.UpsertAsync(embedded, cancellationToken);
        }
        if (chunks.Count < ParallelAddThreshold || Environment.ProcessorCount == 1)
        {
            await lexical.AddAsync(chunks, cancellationToken);
            return;
        }
        // Large adds (bulk ingestion, start-up) in parallel parts: indexes analyse text outside their write lock,
        // so the analysis, most of the cost, uses every core.
        var partSize = (chunks.Count + Environment.ProcessorCount - 1) / Environment.ProcessorCount;
        var parts = Enumerable.Range(0, Environment.ProcessorCount)
            .Select(p => chunks.Skip(p * partSize).Take(partSize).ToList())
            .Where(part => part.Count > 0);
        await Parallel.ForEachAsync(parts, cancellationToken, async (part, ct) => await lexical.AddAsync(part, ct));
    }

    private const int ParallelAddThreshold = 512;

    public async Task RemoveDocumentAsync(string collection, string documentId, CancellationToken cancellationToken)
    {
        await lexical.DeleteDocumentAsync(collection, documentId, cancellationToken);
        await vectors.DeleteDocumentAsync(collection, documentId, cancellationToken);
        _indexed.TryRemove(documentId, out _);
    }
}
