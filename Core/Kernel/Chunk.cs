namespace RagLab.Core.Kernel;

/// <summary>
/// A retrievable piece of a document. <see cref="Start"/> and <see cref="End"/> are character offsets
/// into the document's extracted text (<c>ParsedDocument.Text</c>), so a citation can be shown in place.
/// </summary>
/// <param name="Id">Content-derived id: the same document, position and text always give the same id.</param>
/// <param name="HeadingPath">The headings above the chunk, outermost first, joined by " > " (empty when the format has none).</param>
/// <param name="Groups">Its document's <see cref="DocumentRecord.Groups"/> (null: readable by everyone), so every index can filter
/// by the reader's <see cref="ReaderScope"/> before it ranks.</param>
public sealed record Chunk(
    string Id,
    string DocumentId,
    string DocumentName,
    string Collection,
    int Position,
    string HeadingPath,
    string Text,
    int Start,
    int End,
    IReadOnlyList<string>? Groups = null);
