using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagLab.Core.Caching;
using RagLab.Core.Generation;
using RagLab.Core.Ingestion.Chunking;
using RagLab.Core.Ingestion.Parsers;
using RagLab.Core.Jobs;
using RagLab.Core.Telemetry;
using RagLab.Core.Kernel;

namespace RagLab.Core.Ingestion;

/// <summary>
/// Parses, chunks, embeds (when a model is connected) and indexes one uploaded document version.
/// Idempotent: running it twice leaves the same chunks, because chunk ids derive from content and every step replaces.
/// </summary>
public sealed class IngestJobHandler(
    IDocumentStore documents,
    IContentStore content,
    DocumentParserRegistry parsers,
    StructuredChunker chunker,
    IModelProvider models,
    ChunkIndexWriter indexes,
    IAnswerCache cache,
    IOptions<IngestionOptions> options,
    TimeProvider time,
    ILogger<IngestJobHandler> logger) : IJobHandler
{
    public const string JobKind = "ingest";

    public string Kind => JobKind;

    public async Task RunAsync(JobRecord job, IJobProgress progress, CancellationToken cancellationToken)
    {
        var payload = ReadPayload(job);
        var document = await documents.GetAsync(payload.DocumentId, cancellationToken);
        if (document is null || document.ContentHash != payload.ContentHash)
        {
            logger.LogInformation("Skipping job {JobId}: {Document} was deleted or replaced by a newer upload", job.Id, payload.Name);
            return;
        }

        using var activity = RagLabTelemetry.ActivitySource.StartActivity("ingest");
        activity?.SetTag("raglab.document", payload.Name);
        activity?.SetTag("raglab.collection", payload.Collection);
        var started = Stopwatch.GetTimestamp();
        await documents.SaveAsync(document with { Status = DocumentStatus.Indexing, Error = null, UpdatedAt = time.GetUtcNow() }, cancellationToken);

        await progress.ReportAsync(0.05, "parsing", cancellationToken);
        ParsedDocument parsed;
        await using (var stream = content.Open(payload.ContentHash))
        {
            parsed = await parsers.GetParser(payload.Name).ParseAsync(stream, cancellationToken);
        }

        await progress.ReportAsync(0.2, "chunking", cancellationToken);
        var chunks = chunker.Chunk(parsed, payload.DocumentId, payload.Name, payload.Collection);
        var embeddings = await EmbedAsync(chunks, progress, cancellationToken);

        await progress.ReportAsync(0.95, "indexing", cancellationToken);
        var ready = document with
        {
            Status = DocumentStatus.Ready, Chunks = chunks.Count, Error = null, UpdatedAt = time.GetUtcNow(),
            Warnings = parsed.Warnings.Count > 0 ? parsed.Warnings : null,
        };
        // Store, indexes, cache generation, and only then "ready": whoever sees the document ready also gets answers
        // from its new content, never a cached answer from the old one. A crash before the last step re-runs the job.
        await documents.ReplaceContentAsync(ready with { Status = DocumentStatus.Indexing }, parsed.Text, chunks, embeddings, cancellationToken);
        await indexes.ReplaceDocumentAsync(payload.Collection, payload.DocumentId, chunks, embeddings, cancellationToken);
        await documents.BumpGenerationAsync(payload.Collection, cancellationToken);
        await cache.InvalidateCollectionAsync(payload.Collection, cancellationToken);
        await documents.SaveAsync(ready, cancellationToken);

        RagLabTelemetry.IngestionDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        logger.LogInformation("Indexed {Document} in {Collection}: {Chunks} chunks, {Embedded} embedded", payload.Name, payload.Collection, chunks.Count, embeddings?.Count ?? 0);
    }

    public async Task OnFailedAsync(JobRecord job, string error, CancellationToken cancellationToken)
    {
        var payload = ReadPayload(job);
        var document = await documents.GetAsync(payload.DocumentId, cancellationToken);
        if (document is not null && document.ContentHash == payload.ContentHash)
            await documents.SaveAsync(document with { Status = DocumentStatus.Failed, Error = error, UpdatedAt = time.GetUtcNow() }, cancellationToken);
    }

    private async Task<Dictionary<string, float[]>?> EmbedAsync(IReadOnlyList<Chunk> chunks, IJobProgress progress, CancellationToken cancellationToken)
    {
        var generator = await models.GetEmbeddingGeneratorAsync(cancellationToken);
        if (generator is null || chunks.Count == 0 || !options.Value.EmbedDuringIngestion) return null;

        return await ChunkEmbedder.EmbedAsync(generator, chunks, options.Value.EmbeddingBatchSize,
            done => progress.ReportAsync(0.2 + 0.75 * done / chunks.Count, $"embedding {done}/{chunks.Count} chunks", cancellationToken),
            cancellationToken);
    }

    private static IngestJobPayload ReadPayload(JobRecord job) =>
        JsonSerializer.Deserialize<IngestJobPayload>(job.Payload) ?? throw new InvalidOperationException($"Job {job.Id} has an empty payload.");
}
