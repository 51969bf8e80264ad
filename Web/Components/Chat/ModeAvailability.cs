using RagLab.Contracts;

namespace RagLab.Web.Components.Chat;

/// <summary>Why a mode or retriever cannot answer right now, from what <c>/api/status</c> says is connected.</summary>
public static class ModeAvailability
{
    /// <summary>
    /// The only mode that answers without a chat model: <c>rag</c> falls back to extractive answers (README, "Try it").
    /// Every other mode needs the model.
    /// </summary>
    public const string ExtractiveFallbackMode = "rag";

    /// <returns>Null when the mode can answer; else the reason, to show beside it.</returns>
    public static string? Reason(AnswerMode mode, StatusResponse? status) =>
        status is null || status.Models.ChatAvailable || string.Equals(mode.Name, ExtractiveFallbackMode, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"needs a chat model, and {status.Models.ChatModel ?? "none"} is not answering{(status.Models.Endpoint is { } e ? $" at {e}" : "")}";

    /// <returns>Null when the retriever can run; else the reason.</returns>
    public static string? RetrieverReason(string retriever, StatusResponse? status) =>
        status is null || status.Models.EmbeddingsAvailable || retriever == "bm25"
            ? null
            : "needs an embedding model, and none is answering";
}
