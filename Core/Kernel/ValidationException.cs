namespace RagLab.Core.Kernel;

/// <summary>Input a user must fix (HTTP 400). The message says what is wrong and what is accepted.</summary>
public class ValidationException(string message) : Exception(message);

/// <summary>The requested thing does not exist (HTTP 404).</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>A dependency the request needs is not connected (HTTP 503). The message says what to connect.</summary>
public sealed class DependencyUnavailableException(string message) : Exception(message);

/// <summary>An upload of a format RagLab cannot read (HTTP 415).</summary>
public sealed class UnsupportedFileTypeException(string message) : ValidationException(message);

/// <summary>An upload over the configured size limit (HTTP 413).</summary>
public sealed class PayloadTooLargeException(string message) : ValidationException(message);

/// <summary>A model server refused or failed a call, or could not be reached; the message says which server and what to check.</summary>
public class ModelCallException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>A model server did not answer in time: nothing for the idle timeout mid-stream, or not done within the total timeout (HTTP 504).</summary>
public sealed class ModelTimeoutException(string message, Exception? innerException = null) : ModelCallException(message, innerException);

/// <summary>
/// A collection's stored vectors were made by another embedding model than the one configured (HTTP 409): dense and hybrid
/// retrieval refuse it rather than compare vectors of two models. The message names both models and how to re-embed.
/// </summary>
public sealed class ReembedRequiredException(string collection, string message) : Exception(message)
{
    public string Collection { get; } = collection;
}
