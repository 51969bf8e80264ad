using RagLab.Contracts;

namespace RagLab.Web.Components.Shared;

/// <summary>Which collections <c>/api/status</c> says must be re-embedded (their vectors come from another embedding model), and why.</summary>
public static class ReembedNeeds
{
    /// <summary>The collections that need a re-embed; none when the status is unknown or lists none.</summary>
    public static IReadOnlyList<CollectionVectorsStatus> Of(StatusResponse? status) =>
        [.. (status?.Collections ?? []).Where(c => c.ReembedNeeded)];

    /// <summary>Why <paramref name="collection"/> needs a re-embed, in the Api's words; null when it does not (or the status is unknown).</summary>
    public static string? Reason(StatusResponse? status, string collection) =>
        Of(status).FirstOrDefault(c => string.Equals(c.Collection, collection, StringComparison.Ordinal)) is { } needed ? Reason(needed) : null;

    /// <summary>The Api's <c>reembed</c> text, or the models the status lists when it sent none.</summary>
    public static string Reason(CollectionVectorsStatus collection) =>
        collection.Reembed is { Length: > 0 } reason ? reason
        : $"Collection '{collection.Collection}' holds vectors of another embedding model than the configured one ({Models(collection)}): dense and hybrid retrieval refuse it until it is re-embedded.";

    /// <summary>E.g. "all-minilm: 120 chunks, nomic-embed-text: 4 chunks".</summary>
    public static string Models(CollectionVectorsStatus collection) =>
        string.Join(", ", collection.Models.Select(m => $"{m.Model ?? "unrecorded model"}: {m.Chunks:N0} chunk{(m.Chunks == 1 ? "" : "s")}"));
}
