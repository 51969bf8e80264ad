using System.ClientModel;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.OpenAI;

/// <summary>An OpenAI-compatible server refused or failed a request; the message names the server and what to check.</summary>
/// <param name="statusCode">The HTTP status, or null when the server could not be reached.</param>
public sealed class OpenAiCompatibleException(string message, int? statusCode = null, Exception? innerException = null)
    : ModelCallException(message, innerException)
{
    public int? StatusCode { get; } = statusCode;

    internal static OpenAiCompatibleException From(Exception ex, Uri endpoint, string model) => ex switch
    {
        ClientResultException { Status: 404 } c => new($"The server at {endpoint} has no model '{model}' or does not serve this endpoint (HTTP 404): {c.Message}", 404, ex),
        ClientResultException { Status: 401 or 403 } c => new($"The server at {endpoint} rejected the API key (HTTP {c.Status}); set RagLab:OpenAI:ApiKey.", c.Status, ex),
        ClientResultException { Status: > 0 } c => new($"The server at {endpoint} failed (HTTP {c.Status}): {c.Message}", c.Status, ex),
        _ => new($"The server at {endpoint} is not reachable ({ex.Message}). Check RagLab:OpenAI:Endpoint.", null, ex),
    };
}
