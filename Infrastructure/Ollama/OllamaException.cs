using System.Net;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Ollama;

/// <summary>Ollama refused or failed a request. <see cref="Exception.Message"/> is Ollama's own message plus what to do about it.</summary>
/// <param name="serverMessage">The <c>error</c> text Ollama sent, when it sent one.</param>
/// <param name="statusCode">The HTTP status, or null when the error arrived mid-stream or the server was unreachable.</param>
public sealed class OllamaException(string message, string? serverMessage = null, HttpStatusCode? statusCode = null, Exception? innerException = null)
    : ModelCallException(message, innerException)
{
    public string? ServerMessage { get; } = serverMessage;

    public HttpStatusCode? StatusCode { get; } = statusCode;
}
