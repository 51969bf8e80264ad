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
}
