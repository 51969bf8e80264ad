using System.Net;

namespace RagLab.Infrastructure.Qdrant;

/// <summary>Qdrant answered with an error. <see cref="Exception.Message"/> carries Qdrant's own <c>status.error</c> text.</summary>
public sealed class QdrantException(string message, HttpStatusCode? statusCode = null, string? serverError = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The HTTP status, or null when the failure was not an HTTP response.</summary>
    public HttpStatusCode? StatusCode { get; } = statusCode;

    /// <summary>Qdrant's <c>status.error</c>, or the raw body when it was not JSON.</summary>
    public string? ServerError { get; } = serverError;
}
