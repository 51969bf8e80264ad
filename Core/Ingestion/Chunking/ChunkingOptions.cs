using RagLab.Core.Kernel;
namespace RagLab.Core.Ingestion.Chunking;

/// <summary>Bound from configuration section <c>RagLab:Chunking</c>.</summary>
public sealed class ChunkingOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "RagLab:Chunking";

    /// <summary>The smallest allowed <see cref="MaxTokens"/>.</summary>
    public const int MinMaxTokens = 16;

    /// <summary>Largest chunk, in tokens (as counted by <see cref="TokenCounter"/>).</summary>
    public int MaxTokens { get; set; } = 256;

    /// <summary>Tokens repeated from the end of one chunk at the start of the next when a long section is split.</summary>
    public int OverlapTokens { get; set; } = 32;

    /// <exception cref="ValidationException">A value is out of range; the message names the configuration key.</exception>
    public void Validate()
    {
        if (MaxTokens < MinMaxTokens)
            throw new ValidationException(
                $"{SectionName}:MaxTokens is {MaxTokens}; it must be at least {MinMaxTokens}.");
        if (OverlapTokens < 0 || OverlapTokens >= MaxTokens / 2.0)
            throw new ValidationException(
                $"{SectionName}:OverlapTokens is {OverlapTokens}; it must be at least 0 and less than half of " +
                $"{SectionName}:MaxTokens ({MaxTokens}), i.e. at most {(MaxTokens - 1) / 2}.");
    }
}
