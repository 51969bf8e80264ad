namespace RagLab.Core.Retrieval;

/// <summary>Where <see cref="ExactVectorIndex"/> keeps its float32 rows.</summary>
/// <param name="Directory">
/// A directory of its own (the registration passes <c>{RagLab:DataDirectory}/vectors</c>): one sub-directory of
/// segment files per collection. Null keeps the rows in anonymous temporary files, for tests and tools.
/// </param>
public sealed record ExactVectorIndexOptions(string? Directory = null);
