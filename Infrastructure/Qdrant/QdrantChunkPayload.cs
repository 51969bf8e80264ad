using System.Text.Json;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Qdrant;

/// <summary>
/// The payload stored with each point: every field of <see cref="Chunk"/>, so a hit rebuilds the chunk without a second lookup,
/// including <see cref="Groups"/>, the document's reader groups (an empty array when everyone may read it), which every search
/// filters on (<see cref="ReadableBy"/>).
/// </summary>
public static class QdrantChunkPayload
{
    public const string ChunkId = "chunk_id";
    public const string DocumentId = "document_id";
    public const string DocumentName = "document_name";
    public const string Collection = "collection";
    public const string Position = "position";
    public const string HeadingPath = "heading_path";
    public const string Text = "text";
    public const string Start = "start";
    public const string End = "end";
    public const string Groups = "groups";

    public static IReadOnlyDictionary<string, object?> From(Chunk chunk) => new Dictionary<string, object?>
    {
        [ChunkId] = chunk.Id,
        [DocumentId] = chunk.DocumentId,
        [DocumentName] = chunk.DocumentName,
        [Collection] = chunk.Collection,
        [Position] = chunk.Position,
        [HeadingPath] = chunk.HeadingPath,
        [Text] = chunk.Text,
        [Start] = chunk.Start,
        [End] = chunk.End,
        [Groups] = chunk.Groups ?? Array.Empty<string>(),
    };

    /// <summary>
    /// The points a reader with <paramref name="scope"/> may read: <c>should</c> (at least one of) their <see cref="Groups"/> match
    /// one of the reader's, or they have none (points written before groups existed have no field, and stay readable by everyone).
    /// Null for everything: no filter at all.
    /// </summary>
    public static QdrantFilter? ReadableBy(ReaderScope scope)
    {
        if (scope.Groups is not { } groups) return null;
        var conditions = new List<object>(2);
        // MatchAny wants unique values, and at least one.
        if (groups.Count > 0) conditions.Add(new QdrantFieldCondition(Groups, new QdrantMatchAny([.. groups.Order(StringComparer.Ordinal)])));
        conditions.Add(new QdrantIsEmptyCondition(new QdrantPayloadField(Groups)));
        return new QdrantFilter(Should: conditions);
    }

    /// <exception cref="QdrantException">The payload was not written by RagLab.</exception>
    public static Chunk ToChunk(IReadOnlyDictionary<string, JsonElement>? payload, string qdrantCollection)
    {
        if (payload is null)
            throw new QdrantException($"A point in Qdrant collection '{qdrantCollection}' came back without payload.");
        try
        {
            return new Chunk(
                Id: payload[ChunkId].GetString()!,
                DocumentId: payload[DocumentId].GetString()!,
                DocumentName: payload[DocumentName].GetString()!,
                Collection: payload[Collection].GetString()!,
                Position: payload[Position].GetInt32(),
                HeadingPath: payload[HeadingPath].GetString() ?? "",
                Text: payload[Text].GetString()!,
                Start: payload[Start].GetInt32(),
                End: payload[End].GetInt32(),
                Groups: payload.TryGetValue(Groups, out var groups) && groups.ValueKind == JsonValueKind.Array && groups.GetArrayLength() > 0
                    ? [.. groups.EnumerateArray().Select(g => g.GetString()!)]
                    : null);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new QdrantException(
                $"A point in Qdrant collection '{qdrantCollection}' does not carry RagLab's chunk payload ({ex.Message}). " +
                "The collection may be used by another application: change QdrantOptions.CollectionPrefix.", inner: ex);
        }
    }
}
