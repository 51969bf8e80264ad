using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RagLab.Core.Ingestion;
using RagLab.Core.Storage;

namespace RagLab.Core.Retrieval;

/// <summary>
/// Rebuilds the in-process indexes from the document store at start, so a restart loses nothing.
/// Ready only when the load is done (see <see cref="IsLoaded"/>, used by the readiness check).
/// </summary>
public sealed class EmbeddedIndexLoader(IDocumentStore documents, ChunkIndexWriter indexes, ILogger<EmbeddedIndexLoader> logger) : IHostedService
{
    private const int BatchSize = 2048;

    public bool IsLoaded { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var batch = new List<Chunk>(BatchSize);
        var embeddings = new Dictionary<string, float[]>();
        var total = 0;
        await foreach (var (chunk, embedding) in documents.ReadAllChunksAsync(null, cancellationToken))
        {
            batch.Add(chunk);
            if (embedding is not null) embeddings[chunk.Id] = embedding;
            if (batch.Count == BatchSize)
            {
                await indexes.AddAsync(batch, embeddings, cancellationToken);
                total += batch.Count;
                batch.Clear();
                embeddings.Clear();
            }
        }
        await indexes.AddAsync(batch, embeddings, cancellationToken);
        total += batch.Count;
        IsLoaded = true;
        logger.LogInformation("Loaded {Chunks} chunks into the in-process indexes in {Elapsed:0} ms", total, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
