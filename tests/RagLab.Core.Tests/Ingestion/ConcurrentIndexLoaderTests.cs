using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using RagLab.Core.Ingestion;
using RagLab.Core.Kernel;
using RagLab.Core.Retrieval;
using RagLab.Infrastructure.Indexing;

namespace RagLab.Core.Tests.Ingestion;

/// <summary>
/// Another process's index loader (an Api beside a Worker or the CLI on the same data directory) follows the store while
/// documents are being ingested; whatever the interleaving, it must end with every ready document.
/// </summary>
public sealed class ConcurrentIndexLoaderTests : IDisposable
{
    private const string Collection = "race";
    private const int DocumentCount = 40;
    private readonly BulkIngestionFixture _writer = new();

    [Fact]
    public async Task A_loader_syncing_in_a_loop_while_documents_are_ingested_misses_none()
    {
        // The other process: its own indexes over the same database.
        var lexical = new Bm25Index(_writer.Documents);
        var indexes = new ChunkIndexWriter(lexical, new ExactVectorIndex());
        var loader = new EmbeddedIndexLoader(_writer.Documents, indexes,
            Microsoft.Extensions.Options.Options.Create(new RagLabOptions()), NullLogger<EmbeddedIndexLoader>.Instance);

        using var stop = new CancellationTokenSource();
        var syncs = 0;
        var following = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await loader.SyncAsync(CancellationToken.None);
                syncs++;
            }
        });

        // Single uploads, several at a time, each indexed by its own job as the Worker would.
        await Parallel.ForEachAsync(Enumerable.Range(0, DocumentCount), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            using var text = new MemoryStream(Encoding.UTF8.GetBytes($"Note {i} is about the quokka colony number{i}."));
            var receipt = await _writer.Service.SubmitAsync(Collection, $"note{i:000}.txt", text, ct);
            var job = await _writer.RunJobAsync(receipt.JobId!);
            Assert.Null(job.Error);
        });
        stop.Cancel();
        await following;
        // One more look after the last commit, as the loader's next tick would take.
        await loader.SyncAsync(CancellationToken.None);

        Assert.True(syncs > 0);
        var ready = (await _writer.Documents.ListAsync(Collection, CancellationToken.None))
            .Where(d => d.Status == DocumentStatus.Ready).Select(d => d.Id).Order().ToList();
        Assert.Equal(DocumentCount, ready.Count);
        Assert.Equal(ready, indexes.IndexedDocuments.Keys.Order().ToList());
        Assert.Equal(DocumentCount, lexical.Count(Collection));
        var hits = await lexical.SearchAsync(Collection, "number17", 5, CancellationToken.None);
        Assert.Equal("note017.txt", hits.First().Chunk.DocumentName);
    }

    public void Dispose() => _writer.Dispose();
}
