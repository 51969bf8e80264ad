using RagLab.Core.Retrieval;

namespace RagLab.Core.Ingestion;

/// <summary>Keeps every index in step: what is added or removed here reaches the lexical and the vector index alike.</summary>
public sealed class ChunkIndexWriter(ILexicalIndex lexical, IVectorIndex vectors)
{
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
        if (embeddings is { Count: > 0 })
        {
            var embedded = chunks.Where(c => embeddings.ContainsKey(c.Id)).Select(c => new EmbeddedChunk(c, embeddings[c.Id])).ToList();
            await vectors.UpsertAsync(embedded, cancellationToken);
        }
        await lexical.AddAsync(chunks, cancellationToken);
    }

    public async Task RemoveDocumentAsync(string collection, string documentId, CancellationToken cancellationToken)
    {
        await lexical.DeleteDocumentAsync(collection, documentId, cancellationToken);
        await vectors.DeleteDocumentAsync(collection, documentId, cancellationToken);
    }
}
