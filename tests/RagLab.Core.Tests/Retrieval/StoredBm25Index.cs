using RagLab.Core.Retrieval;
using RagLab.Core.Retrieval.Analysis;
using RagLab.Core.Tests.Evaluation.Fakes;
using RagLab.Core.Kernel;

namespace RagLab.Core.Tests.Retrieval;

/// <summary>
/// A <see cref="Bm25Index"/> over an in-memory document store that receives each chunk before it is indexed, as
/// ingestion stores chunks before indexing them (the index keeps no text and reads its top K from the store).
/// </summary>
internal sealed class StoredBm25Index : ILexicalIndex
{
    public StoredBm25Index(IAnalyzer? analyzer = null, Bm25Options? options = null) =>
        Index = new Bm25Index(Store, analyzer ?? EnglishAnalyzer.Instance, options ?? new Bm25Options());

    public FakeDocumentStore Store { get; } = new();

    public Bm25Index Index { get; }

    public Task AddAsync(IReadOnlyList<Chunk> chunks, CancellationToken cancellationToken)
    {
        Store.PutChunks(chunks);
        return Index.AddAsync(chunks, cancellationToken);
    }

    public Task DeleteDocumentAsync(string collection, string documentId, CancellationToken cancellationToken) =>
        Index.DeleteDocumentAsync(collection, documentId, cancellationToken);

    public Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, string query, int topK, CancellationToken cancellationToken) =>
        Index.SearchAsync(collection, query, topK, cancellationToken);

    public Task<IReadOnlyList<ScoredChunk>> SearchAsync(string collection, string query, int topK, ReaderScope scope, CancellationToken cancellationToken) =>
        Index.SearchAsync(collection, query, topK, scope, cancellationToken);

    public int Count(string collection) => Index.Count(collection);
}
