using RagLab.Contracts;

namespace RagLab.Web.Components.Chat;

/// <summary>
/// Why a retriever cannot run right now, from what <c>/api/status</c> says is connected. (Modes answer for themselves:
/// <c>/api/modes?collection=</c> carries each one's <c>available</c> and <c>reason</c>.)
/// </summary>
public static class RetrieverAvailability
{
    /// <summary>The one retriever that needs no embedding model.</summary>
    public const string LexicalRetriever = "bm25";

    /// <returns>Null when the retriever can run (or the status is unknown: the Api then answers for itself); else the reason.</returns>
    public static string? Reason(string retriever, StatusResponse? status) =>
        status is null || status.Models.EmbeddingsAvailable || retriever == LexicalRetriever
            ? null
            : "needs an embedding model, and none is answering";
}
