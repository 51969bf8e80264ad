using RagLab.Core.Kernel;

namespace RagLab.Core.Generation;

/// <summary>What <see cref="CitationParser"/> found in a model's answer.</summary>
/// <param name="Answer">The answer with invalid markers removed (valid markers are kept as written).</param>
/// <param name="Citations">One per cited chunk, in order of first mention, each with the chunk sentence that best supports it.</param>
/// <param name="CitedHits">The cited hits, in the same order as <paramref name="Citations"/>.</param>
/// <param name="InvalidMarkers">Markers (or parts of them) that cited nothing retrieved, as written by number, e.g. <c>[7]</c> or <c>[6-9]</c>; distinct, in order of appearance.</param>
/// <param name="Warnings">One sentence per invalid marker, for the user.</param>
public sealed record CitationParseResult(
    string Answer,
    IReadOnlyList<Citation> Citations,
    IReadOnlyList<RetrievalHit> CitedHits,
    IReadOnlyList<string> InvalidMarkers,
    IReadOnlyList<string> Warnings);
