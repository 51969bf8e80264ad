namespace RagLab.Core.Kernel;

/// <summary>Bound from the <c>RagLab</c> configuration section.</summary>
public sealed class RagLabOptions
{
    public const string Section = "RagLab";

    /// <summary>Where the embedded database and uploads live. Relative paths are resolved against the working directory.</summary>
    public string DataDirectory { get; set; } = ".raglab";

    /// <summary>Default number of chunks to retrieve.</summary>
    public int DefaultTopK { get; set; } = 5;

    /// <summary>How often the in-process indexes check the database for documents another process changed (the CLI, a Worker).</summary>
    public TimeSpan IndexSyncInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The most chunks a request may ask for.</summary>
    public int MaxTopK { get; set; } = 100;
}

/// <summary>Bound from <c>RagLab:Ingestion</c>.</summary>
public sealed class IngestionOptions
{
    /// <summary>Largest accepted upload, in bytes (default 50 MB).</summary>
    public long MaxUploadBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Chunks embedded per request to the embedding model.</summary>
    public int EmbeddingBatchSize { get; set; } = 64;

    /// <summary>
    /// False: uploads are indexed for BM25 at once and their chunks embedded afterwards by a background <c>embed</c> job
    /// (set when the in-process model runs, where embedding is the slow part of ingestion).
    /// </summary>
    public bool EmbedDuringIngestion { get; set; } = true;

    /// <summary>How often chunks indexed without an embedding (no model was connected) are embedded once one is.</summary>
    public TimeSpan EmbeddingBackfillInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest inflated size of one compressed part (a .docx zip entry, a PDF stream); null: <see cref="DefaultInflatedBytes"/>.</summary>
    public long? MaxInflatedBytesPerEntry { get; set; }

    /// <summary>Largest inflated size of all the compressed parts of one document together; null: <see cref="DefaultInflatedBytes"/>.</summary>
    public long? MaxInflatedBytesPerDocument { get; set; }

    /// <summary>Most files one upload request may carry (more gets 413).</summary>
    public int MaxFilesPerRequest { get; set; } = 100;

    /// <summary>Largest upload request body (multipart, all files together); null: four times <see cref="MaxUploadBytes"/>.</summary>
    public long? MaxRequestBytes { get; set; }

    /// <summary>The request body limit in force for uploads.</summary>
    public long RequestBytesLimit => MaxRequestBytes ?? MaxUploadBytes * 4;

    /// <summary>
    /// Largest JSON upload body (<c>{name, text}</c>): twice <see cref="MaxUploadBytes"/> plus 64 KB, since JSON escapes may
    /// double the text's size; the text itself is then held to <see cref="MaxUploadBytes"/>.
    /// </summary>
    public long JsonUploadBytesLimit => MaxUploadBytes * 2 + 64 * 1024;

    /// <summary>Most chunks one document may produce; a document over it fails with the limit named.</summary>
    public int MaxChunksPerDocument { get; set; } = 50_000;

    /// <summary>The inflation cap above which nothing is read: 512 MB.</summary>
    public const long InflatedBytesCap = 512L * 1024 * 1024;

    /// <summary>The default inflation limits: ten times the upload limit, at most <see cref="InflatedBytesCap"/>.</summary>
    public long DefaultInflatedBytes => MaxUploadBytes >= InflatedBytesCap / 10 ? InflatedBytesCap : MaxUploadBytes * 10;

    /// <summary>The decompression limits the parsers enforce while they inflate.</summary>
    public DecompressionLimits Decompression => new(MaxInflatedBytesPerEntry ?? DefaultInflatedBytes, MaxInflatedBytesPerDocument ?? DefaultInflatedBytes);
}

/// <summary>Limits of query text, the same for search and for questions.</summary>
public static class QueryLimits
{
    /// <summary>Longest accepted search query or question, in characters.</summary>
    public const int MaxCharacters = 4000;

    /// <summary>Largest JSON body of any request that is not an upload (search, ask, runs…): 1 MB.</summary>
    public const long MaxJsonBodyBytes = 1L << 20;
}

/// <summary>How many bytes a document's compressed parts may inflate to, each and together.</summary>
public sealed record DecompressionLimits(long MaxBytesPerEntry, long MaxBytesPerDocument)
{
    /// <summary>The defaults for the default upload limit.</summary>
    public static DecompressionLimits Default { get; } = new IngestionOptions().Decompression;

    /// <summary>A fresh count for one document.</summary>
    public InflationBudget StartDocument() => new(this);
}

/// <summary>
/// What one document has inflated so far. Readers report each part's bytes as they inflate them, and the first byte over a
/// limit throws <see cref="DecompressionLimitException"/> naming it, so nothing past the limit is ever produced.
/// </summary>
public sealed class InflationBudget(DecompressionLimits limits)
{
    private long _document;

    public DecompressionLimits Limits { get; } = limits;

    /// <summary>Bytes inflated so far, all parts together.</summary>
    public long Inflated => Interlocked.Read(ref _document);

    /// <summary>Counts <paramref name="bytes"/> more of a part that has now inflated to <paramref name="entryTotal"/> bytes.</summary>
    /// <exception cref="DecompressionLimitException">A limit was passed.</exception>
    public void Add(long bytes, long entryTotal, string part)
    {
        if (entryTotal > Limits.MaxBytesPerEntry)
            throw new DecompressionLimitException(
                $"'{part}' inflates to more than the decompression limit of {ByteSize.Format(Limits.MaxBytesPerEntry)} per compressed part " +
                "(RagLab:Ingestion:MaxInflatedBytesPerEntry); the document was not read further.");
        if (Interlocked.Add(ref _document, bytes) > Limits.MaxBytesPerDocument)
            throw new DecompressionLimitException(
                $"The document's compressed parts inflate to more than the decompression limit of {ByteSize.Format(Limits.MaxBytesPerDocument)} " +
                "per document (RagLab:Ingestion:MaxInflatedBytesPerDocument); the document was not read further.");
    }
}

/// <summary>A document whose compressed content inflates past a configured limit (a decompression bomb, or just too big).</summary>
public sealed class DecompressionLimitException(string message) : ValidationException(message);
