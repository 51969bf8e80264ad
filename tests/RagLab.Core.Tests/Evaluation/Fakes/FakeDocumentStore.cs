using System.Runtime.CompilerServices;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Evaluation.Fakes;

/// <summary>An in-memory document store holding documents and chunks.</summary>
public sealed class FakeDocumentStore : IDocumentStore
{
    private readonly Dictionary<string, DocumentRecord> _documents = [];
    private readonly Dictionary<string, Chunk> _chunks = [];
    private readonly object _gate = new();

    public Chunk AddChunk(string collection, string documentName, string text, int position = 0)
    {
        var documentId = DocumentIds.ForDocument(collection, documentName);
        var chunk = new Chunk(DocumentIds.ForChunk(documentId, position, text), documentId, documentName, collection, position, "", text, 0, text.Length);
        lock (_gate)
        {
            _chunks[chunk.Id] = chunk;
            _documents[documentId] = new DocumentRecord(documentId, collection, documentName, DocumentStatus.Ready, 1, text.Length, "hash", DateTimeOffset.UtcNow);
        }
        return chunk;
    }

    /// <summary>Stores chunks as they are (replacing same ids), each document marked ready.</summary>
    public void PutChunks(IEnumerable<Chunk> chunks)
    {
        lock (_gate)
        {
            foreach (var chunk in chunks)
            {
                _chunks[chunk.Id] = chunk;
                _documents.TryAdd(chunk.DocumentId, new DocumentRecord(chunk.DocumentId, chunk.Collection, chunk.DocumentName, DocumentStatus.Ready, 1, chunk.Text.Length, "hash", DateTimeOffset.UtcNow));
            }
        }
    }

    public void SetStatus(string documentId, DocumentStatus status)
    {
        lock (_gate) _documents[documentId] = _documents[documentId] with { Status = status };
    }

    private readonly Dictionary<string, int> _checksUntilReady = [];

    /// <summary>Simulates indexing finishing: the document turns Ready on the given status check.</summary>
    public void BecomeReadyAfterChecks(string documentId, int checks)
    {
        lock (_gate) _checksUntilReady[documentId] = checks;
    }

    /// <summary>The status as last seen by <see cref="GetAsync"/> (does not count as a check).</summary>
    public DocumentStatus? StatusOf(string documentId)
    {
        lock (_gate) return _documents.GetValueOrDefault(documentId)?.Status;
    }

    public Task<DocumentRecord?> GetAsync(string documentId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_checksUntilReady.TryGetValue(documentId, out var left) && --_checksUntilReady[documentId] <= 0)
            {
                _documents[documentId] = _documents[documentId] with { Status = DocumentStatus.Ready };
                _checksUntilReady.Remove(documentId);
            }
            return Task.FromResult(_documents.GetValueOrDefault(documentId));
        }
    }

    public Task<IReadOnlyList<DocumentRecord>> ListAsync(string? collection, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<DocumentRecord>>(_documents.Values.Where(d => collection is null || d.Collection == collection).ToArray());
    }

    public Task SaveAsync(DocumentRecord document, CancellationToken cancellationToken)
    {
        lock (_gate) _documents[document.Id] = document;
        return Task.CompletedTask;
    }

    private readonly Dictionary<string, long> _versions = [];

    public Task<IReadOnlyList<DocumentRecord>> SaveNewVersionsAsync(IReadOnlyList<DocumentRecord> documents, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var saved = new List<DocumentRecord>(documents.Count);
            foreach (var document in documents)
            {
                var version = _versions[document.Id] = _versions.GetValueOrDefault(document.Id) + 1;
                saved.Add(_documents[document.Id] = document with { Version = version });
            }
            return Task.FromResult<IReadOnlyList<DocumentRecord>>(saved);
        }
    }

    public Task<bool> SaveIfVersionAsync(DocumentRecord document, long expectedVersion, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_documents.GetValueOrDefault(document.Id)?.Version != expectedVersion) return Task.FromResult(false);
            _documents[document.Id] = document;
            return Task.FromResult(true);
        }
    }

    public Task ReplaceContentAsync(DocumentRecord document, string text, IReadOnlyList<Chunk> chunks, IReadOnlyDictionary<string, float[]>? embeddings, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<Chunk>> GetChunksAsync(string documentId, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<Chunk>>(_chunks.Values.Where(c => c.DocumentId == documentId).ToArray());
    }

    public Task<Chunk?> GetChunkAsync(string chunkId, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_chunks.GetValueOrDefault(chunkId));
    }

    public Task<string?> GetTextAsync(string documentId, CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public async IAsyncEnumerable<(Chunk Chunk, float[]? Embedding)> ReadAllChunksAsync(string? collection, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Chunk[] chunks;
        // Reverse insertion order, so tests catch code that relies on the store's order.
        lock (_gate) chunks = _chunks.Values.Where(c => collection is null || c.Collection == collection).Reverse().ToArray();
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return (chunk, null);
        }
    }

    public Task<bool> DeleteAsync(string documentId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<long> GetGenerationAsync(string collection, CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task<long> BumpGenerationAsync(string collection, CancellationToken cancellationToken) => Task.FromResult(1L);
}
