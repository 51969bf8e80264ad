using RagLab.Core.Kernel;

namespace RagLab.Core.Generation.LongContext;

/// <summary>
/// A whole collection as the fixed sources of the <c>longcontext</c> prompt, at one index generation: every chunk, ordered by
/// document name, document id and position, so the same content always yields the same, byte-identical prefix.
/// </summary>
/// <param name="Sources">The chunks as numbered sources (<c>[n]</c> is <c>Sources[n - 1]</c>); empty when <see cref="Fits"/> is false,
/// because a collection that cannot be sent is not kept in memory.</param>
/// <param name="Characters">The characters of the prefix: instructions, source headers and chunk texts.</param>
/// <param name="Chunks">How many chunks the collection has.</param>
/// <param name="Fits">False when the collection was found larger than the largest window considered while it was read.</param>
public sealed record CollectionPrefix(string Collection, long Generation, IReadOnlyList<RetrievalHit> Sources, long Characters, int Chunks, bool Fits)
{
    /// <summary>The prefix's size in tokens, estimated as <see cref="PromptBudget.ForContextWindow"/> does (conservatively: a prompt that
    /// overflows the window is cut silently by Ollama).</summary>
    public int EstimatedTokens => EstimateTokens(Characters);

    public static int EstimateTokens(long characters) => (int)Math.Min(int.MaxValue, (long)Math.Ceiling(characters / PromptBudget.WindowCharactersPerToken));

    /// <summary>Per-source characters the prompt adds around a chunk's text: its <c>[n] (name — headings)</c> header and separators.</summary>
    internal static long SourceOverhead(Chunk chunk) => 12 + chunk.DocumentName.Length + chunk.HeadingPath.Length;
}
