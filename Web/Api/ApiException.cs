using System.Net;
using RagLab.Contracts;

namespace RagLab.Web.Api;

/// <summary>
/// The Api refused a request or could not be reached. <see cref="Exception.Message"/> is fit to show a user: the problem's
/// <c>detail</c> when the Api sent one, else what happened in plain words (never a stack trace).
/// </summary>
public sealed class ApiException(string message, HttpStatusCode? status = null, Exception? inner = null, IReadOnlyList<DatasetLineError>? lineErrors = null)
    : Exception(message, inner)
{
    /// <summary>The Api's status code; null when no answer arrived.</summary>
    public HttpStatusCode? Status { get; } = status;

    /// <summary>
    /// Every bad line of a refused JSONL upload, from the problem's <c>errors</c> extension; null when the Api sent none
    /// (then <see cref="Exception.Message"/> is all there is).
    /// </summary>
    public IReadOnlyList<DatasetLineError>? LineErrors { get; } = lineErrors;

    /// <summary>The Api answered 404: the thing (or, for a feature probe, the route) does not exist.</summary>
    public bool IsNotFound => Status == HttpStatusCode.NotFound;

    /// <summary>
    /// The Api answered 409 to a search or a question: the collection's vectors come from another embedding model, and dense and
    /// hybrid retrieval refuse it until it is re-embedded (the message names both models). It is the only 409 of those routes.
    /// </summary>
    public bool IsReembedNeeded => Status == HttpStatusCode.Conflict;
}
