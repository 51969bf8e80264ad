using System.ClientModel;
using Polly.CircuitBreaker;
using Polly.Timeout;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.OpenAI;

/// <summary>The OpenAI SDK's and HttpClient's errors, as messages that name the server and what to check (a timeout is a 504).</summary>
internal static class OpenAiCompatibleErrors
{
    public static ModelCallException? Translate(Exception ex, Uri endpoint, string model) => ex switch
    {
        ModelCallException => null,
        ClientResultException { Status: 404 } c => new($"The server at {endpoint} has no model '{model}' or does not serve this endpoint (HTTP 404): {c.Message}", ex),
        ClientResultException { Status: 401 or 403 } c => new($"The server at {endpoint} rejected the API key (HTTP {c.Status}); set RagLab:OpenAI:ApiKey.", ex),
        ClientResultException { Status: > 0 } c => new($"The server at {endpoint} failed (HTTP {c.Status}): {c.Message}", ex),
        ClientResultException or HttpRequestException or BrokenCircuitException =>
            new($"The server at {endpoint} is not reachable ({ex.Message}). Check RagLab:OpenAI:Endpoint.", ex),
        TimeoutRejectedException or OperationCanceledException =>
            (ModelCallException)new ModelTimeoutException($"The server at {endpoint} did not answer in time; raise RagLab:OpenAI:RequestTimeout if the model is slow.", ex),
        _ => null,
    };
}
