namespace RagLab.Core.Ingestion.Chunking;

/// <summary>Bound from configuration section <c>RagLab:Chunking</c>.</summary>
public sealed class ChunkingOptions
{
    /// <summary>Largest chunk, in tokens (as counted by <see cref="TokenCounter"/>).</summary>
    public int MaxTokens { get; set; } = 256;

    /// <summary>Tokens repeated from the end of one chunk at the start of the next when a long section is split.</summary>
    public int OverlapTokens { get; set; } = 32;
}
