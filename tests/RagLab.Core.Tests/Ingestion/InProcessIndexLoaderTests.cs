using Microsoft.Extensions.Logging.Abstractions;
using RagLab.Core.Kernel;
using RagLab.Infrastructure.Indexing;

namespace RagLab.Core.Tests.Ingestion;

/// <summary>
/// The loader of the process that ingests (the embedded lab) syncs while a batch commits: it must never take out a
/// document this process indexed and has not marked ready yet, nor one that was ready before, even for a moment.
/// </summary>
public sealed class InProcessIndexLoaderTests : IDisposable
{
    private const string Collection = "inflight";
    private readonly BulkIngestionFixture _lab = new();

    [Fact]
    public async Task A_sync_between_the_index_write_and_the_ready_mark_keeps_every_document_searchable()
    {
        var loader = new EmbeddedIndexLoader(_lab.Documents, _lab.Indexes,
            Microsoft.Extensions.Options.Options.Create(new RagLabOptions()), NullLogger<EmbeddedIndexLoader>.Instance);
        // One batch marked ready (the generation moves) before the loader's next tick...
        var ready = await CommitAsync("ready.md", "The valve opens clockwise with the red key.", markReady: true);

        // ...which comes while the next batch is half-way: content stored while indexing, the indexes written, not yet ready.
        var committing = await CommitAsync("committing.md", "The pump must be primed with water before the first start.", markReady: false);
        await loader.SyncAsync(CancellationToken.None);

        Assert.Equal("ready.md", Assert.Single(await _lab.Lexical.SearchAsync(Collection, "valve red key", 5, CancellationToken.None)).Chunk.DocumentName);
        Assert.Equal("committing.md", Assert.Single(await _lab.Lexical.SearchAsync(Collection, "pump primed", 5, CancellationToken.None)).Chunk.DocumentName);

        Assert.Equal([committing.Id], await _lab.Documents.MarkReadyAsync(Collection, [committing], CancellationToken.None));
        await loader.SyncAsync(CancellationToken.None);
        Assert.Equal(2, _lab.Lexical.Count(Collection));
        Assert.Contains(committing.Id, _lab.Indexes.IndexedDocuments.Keys);
        Assert.Contains(ready.Id, _lab.Indexes.IndexedDocuments.Keys);
    }

    [Fact]
    public async Task A_document_the_store_no_longer_holds_is_still_taken_out()
    {
        var loader = new EmbeddedIndexLoader(_lab.Documents, _lab.Indexes,
            Microsoft.Extensions.Options.Options.Create(new RagLabOptions()), NullLogger<EmbeddedIndexLoader>.Instance);
        var gone = await CommitAsync("gone.md", "The warranty lasts two years.", markReady: true);
        await loader.SyncAsync(CancellationToken.None);

        // Deleted elsewhere (another process): the record goes and the generation moves; this index still holds it.
        await _lab.Documents.DeleteAsync(gone.Id, CancellationToken.None);
        await _lab.Documents.BumpGenerationAsync(Collection, CancellationToken.None);
        await loader.SyncAsync(CancellationToken.None);

        Assert.Empty(await _lab.Lexical.SearchAsync(Collection, "warranty", 5, CancellationToken.None));
    }

    private async Task<DocumentRecord> CommitAsync(string name, string text, bool markReady)
    {
        var document = new DocumentRecord(DocumentIds.ForDocument(Collection, name), Collection, name, DocumentStatus.Indexing, 1, text.Length,
            new string('c', 64), DateTimeOffset.UtcNow);
        var chunk = new Chunk(DocumentIds.ForChunk(document.Id, 0, text), document.Id, name, Collection, 0, "", text, 0, text.Length);
        await _lab.Documents.SaveManyAsync([document], CancellationToken.None);
        await _lab.Documents.ReplaceContentManyAsync([new DocumentContent(document, text, [chunk], null)], CancellationToken.None);
        await _lab.Indexes.ReplaceDocumentsAsync(Collection, [document.Id], [chunk], null, CancellationToken.None);
        if (markReady) Assert.Equal([document.Id], await _lab.Documents.MarkReadyAsync(Collection, [document], CancellationToken.None));
        return document;
    }

    public void Dispose() => _lab.Dispose();
}
