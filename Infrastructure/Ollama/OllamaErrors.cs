using System.Net;
using System.Text.Json;
using Polly.CircuitBreaker;
using Polly.Timeout;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Ollama;

/// <summary>OllamaSharp's and HttpClient's errors, as messages that say what to do (start Ollama, pull the model, raise the timeout).</summary>
internal static class OllamaErrors
{
    public static ModelCallException? Translate(Exception ex, Uri endpoint, string model, TimeSpan requestTimeout) => ex switch
    {
        ModelCallException => null,
        OllamaSharp.Models.Exceptions.ResponseError error => new($"Ollama at {endpoint} failed while answering: {error.Message}", ex),
        OllamaSharp.Models.Exceptions.OllamaException error when SaysModelMissing(error.Message) => MissingModel(endpoint, model, error.Message, ex),
        OllamaSharp.Models.Exceptions.OllamaException error => new($"Ollama at {endpoint} failed: {error.Message}", ex),
        HttpRequestException { StatusCode: HttpStatusCode.NotFound } error => MissingModel(endpoint, model, error.Message, ex),
        HttpRequestException { StatusCode: { } status } error => new($"Ollama at {endpoint} refused the request (HTTP {(int)status}): {error.Message}", ex),
        HttpRequestException or BrokenCircuitException =>
            new($"Ollama at {endpoint} is not reachable ({ex.Message}). Start it with `ollama serve` or check RagLab:Ollama:Endpoint.", ex),
        TimeoutRejectedException or OperationCanceledException =>
            new($"Ollama at {endpoint} did not answer within {requestTimeout.TotalSeconds:0.#} s; the model may still be loading, or RagLab:Ollama:RequestTimeout is too short.", ex),
        JsonException => new($"Ollama at {endpoint} sent a reply RagLab cannot read: {ex.Message}", ex),
        _ => null,
    };

    private static bool SaysModelMissing(string message) =>
        message.Contains("not found", StringComparison.OrdinalIgnoreCase) || message.Contains("404", StringComparison.Ordinal);

    private static ModelCallException MissingModel(Uri endpoint, string model, string serverMessage, Exception inner) =>
        new($"Ollama at {endpoint}: {serverMessage}. Run `ollama pull {model}` to download the model.", inner);
}
