using RagLab.Core.Kernel;
namespace RagLab.Core.Generation;

/// <summary>An answer made of sentences copied from the retrieved chunks, each followed by its source marker.</summary>
/// <param name="Text">Verbatim sentences (whitespace collapsed) with <c>[n]</c> markers, or <see cref="AbstentionDetector.CanonicalPhrase"/>.</param>
/// <param name="Citations">One per cited chunk, in order of first mention; the quote is the first sentence taken from it.</param>
/// <param name="Abstained">True when no sentence shared a term with the question.</param>
public sealed record ExtractiveAnswer(string Text, IReadOnlyList<Citation> Citations, bool Abstained);
