using System.Net;

namespace RagLab.Cli.Backends;

/// <summary>The Api refused or failed a request, or could not be reached; <see cref="Exception.Message"/> is what a user reads.</summary>
/// <param name="status">The HTTP status the Api answered with; null when it did not answer.</param>
public sealed class LabApiException(HttpStatusCode? status, string message) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
}
