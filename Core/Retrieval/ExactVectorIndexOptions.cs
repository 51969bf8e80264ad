namespace RagLab.Core.Retrieval;

/// <summary>Where <see cref="ExactVectorIndex"/> keeps its float32 rows.</summary>
/// <param name="Directory">
/// A directory of its own (the registration passes <c>{RagLab:DataDirectory}/vectors</c>): one sub-directory of
/// segment files per collection. Null keeps the rows in anonymous temporary files, for tests and tools.
/// </param>
public sealed record ExactVectorIndexOptions(string? Directory = null)
{
    /// <summary>Rows per segment (a power of two); 0 sizes segments at 64 MiB of float32. Tests set it small to cross segments.</summary>
    internal int RowsPerSegment { get; init; }
}
