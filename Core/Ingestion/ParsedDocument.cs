namespace RagLab.Core.Ingestion;

/// <summary>The plain text of a source file and its structure, as a parser sees it.</summary>
/// <param name="Text">The extracted text. Chunk spans are offsets into it.</param>
/// <param name="Blocks">Structural blocks (paragraphs, list items, table rows…) in reading order; each is a span of <paramref name="Text"/>.</param>
/// <param name="Warnings">Things a user should know, e.g. "the PDF has no extractable text (scanned?)".</param>
public sealed record ParsedDocument(string Text, IReadOnlyList<TextBlock> Blocks, IReadOnlyList<string> Warnings)
{
    public static ParsedDocument Empty(string warning) => new(string.Empty, [], [warning]);
}

/// <summary>A span of <see cref="ParsedDocument.Text"/> that the chunker must not split unless it exceeds the token budget.</summary>
/// <param name="HeadingPath">Headings enclosing the block, outermost first.</param>
/// <param name="IsHeading">True for the heading line itself; the chunker starts a new chunk at a heading.</param>
/// <param name="Page">The 1-based page the block is on, for paged formats (PDF); null otherwise.</param>
public sealed record TextBlock(int Start, int End, IReadOnlyList<string> HeadingPath, bool IsHeading = false, int? Page = null);
