using System.Text.Json.Serialization;

namespace RagLab.Contracts;

/// <summary>Where a document is in its life: accepted, being indexed, searchable, or failed with a reason.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DocumentStatus>))]
public enum DocumentStatus
{
    [JsonStringEnumMemberName("queued")] Queued,
    [JsonStringEnumMemberName("indexing")] Indexing,
    [JsonStringEnumMemberName("ready")] Ready,
    [JsonStringEnumMemberName("failed")] Failed,
}

/// <summary>The JSON body of <c>POST /api/documents</c>: a document sent as text.</summary>
/// <param name="Groups">Who may read it: null or left out takes the collection's default groups; an empty list makes it readable by everyone.</param>
public sealed record TextDocumentRequest(string? Name, string? Text, string? Collection = null, IReadOnlyList<string>? Groups = null);

/// <summary>One file of an upload: accepted (with its indexing job) or refused with an error.</summary>
/// <param name="Id">Null when the file was refused before it got an id.</param>
public sealed record UploadedDocument(string? Id, string Name, DocumentStatus Status, string? JobId, string? Collection = null, string? Error = null);

/// <summary>The answer to <c>POST /api/documents</c> (202), and the <c>documents</c> of its problem response when every file was refused.</summary>
public sealed record UploadResponse(IReadOnlyList<UploadedDocument> Documents);

/// <summary>A document's metadata, from <c>GET /api/documents</c> and <c>GET /api/documents/{id}</c>.</summary>
/// <param name="Chunks">How many chunks were indexed (0 until ready).</param>
/// <param name="ContentHash">SHA-256 of the raw upload.</param>
/// <param name="Warnings">What indexing skipped or could not read.</param>
/// <param name="Groups">The groups whose members may read it; null when everyone may.</param>
public sealed record DocumentResponse(
    string Id,
    string Collection,
    string Name,
    DocumentStatus Status,
    int Chunks,
    long Bytes,
    string ContentHash,
    DateTimeOffset UpdatedAt,
    string? Error = null,
    string? JobId = null,
    IReadOnlyList<string>? Warnings = null,
    IReadOnlyList<string>? Groups = null);

/// <summary>One chunk of a document, from <c>GET /api/documents/{id}/chunks</c>.</summary>
/// <param name="HeadingPath">The headings above the chunk, outermost first, joined by " > ".</param>
/// <param name="Start">Character offset of the chunk in the document's extracted text.</param>
/// <param name="End">Character offset just past the chunk.</param>
public sealed record DocumentChunk(
    string Id,
    string DocumentId,
    string DocumentName,
    string Collection,
    int Position,
    string HeadingPath,
    string Text,
    int Start,
    int End);

/// <summary>The body of <c>PUT /api/collections/{collection}/access</c>.</summary>
/// <param name="DefaultGroups">The groups a document uploaded without any gets; null or empty: readable by everyone.</param>
public sealed record CollectionAccessRequest(IReadOnlyList<string>? DefaultGroups);

/// <summary>A collection's access settings, from <c>GET</c> and <c>PUT /api/collections/{collection}/access</c>.</summary>
/// <param name="DefaultGroups">The groups a document uploaded without any gets; empty: readable by everyone.</param>
public sealed record CollectionAccessResponse(string Collection, IReadOnlyList<string> DefaultGroups);
