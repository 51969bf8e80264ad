using System.Net;

namespace RagLab.Web.Api;

/// <summary>
/// The Api refused a request or could not be reached. <see cref="Exception.Message"/> is fit to show a user: the problem's
/// <c>detail</c> when the Api sent one, else what happened in plain words (never a stack trace).
/// </summary>
public sealed class ApiException(string message, HttpStatusCode? status = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The Api's status code; null when no answer arrived.</summary>
    public HttpStatusCode? Status { get; } = status;

    /// <summary>The Api answered 404: the thing (or, for a feature probe, the route) does not exist.</summary>
    public bool IsNotFound => Status == HttpStatusCode.NotFound;
}
