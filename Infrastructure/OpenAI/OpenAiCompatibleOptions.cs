using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;

namespace RagLab.Infrastructure.OpenAI;

/// <summary>
/// An OpenAI-compatible server (vLLM, llama.cpp server, LM Studio, OpenAI, Ollama's <c>/v1</c>). Bound from <see cref="SectionName"/>.
/// </summary>
public sealed class OpenAiCompatibleOptions
{
    public const string SectionName = "RagLab:OpenAI";

    /// <summary>Base URL including the version segment, e.g. <c>http://localhost:11434/v1</c>. Null with an <see cref="ApiKey"/> means api.openai.com.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Sent as a bearer token. Local servers usually ignore it.</summary>
    public string? ApiKey { get; set; }

    public string? ChatModel { get; set; }

    public string? EmbeddingModel { get; set; }

    /// <summary>Longest a whole model call may take, streamed or not.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest silence between two chunks of a streamed answer before it is abandoned with 504.</summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed chat calls in a row after which the model counts as down (answers turn extractive, /health Degraded).</summary>
    public int CircuitBreakerFailures { get; set; } = 5;

    /// <summary>How long the model counts as down once the circuit opened, before one call tries it again.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>GET {Endpoint}/models</c> may take before the server counts as down.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a probe outcome is reused.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>True when there is a server to talk to: an endpoint, or an API key for api.openai.com.</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(Endpoint) || !string.IsNullOrWhiteSpace(ApiKey);

    /// <summary>The base URL requests go to, without a trailing slash.</summary>
    /// <exception cref="FormatException">Endpoint is set but is not an absolute http(s) URL.</exception>
    public Uri ResolveEndpoint()
    {
        var endpoint = string.IsNullOrWhiteSpace(Endpoint) ? "https://api.openai.com/v1" : Endpoint.Trim().TrimEnd('/');
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new FormatException($"RagLab:OpenAI:Endpoint '{Endpoint}' is not an absolute http:// or https:// URL (e.g. http://localhost:8000/v1).");
        return uri;
    }

    /// <summary>
    /// An SDK client for <see cref="ResolveEndpoint"/> that sends through <paramref name="http"/> (from IHttpClientFactory), so the
    /// standard resilience handler decides retries; the SDK's own retry is off, or a generation could run twice.
    /// </summary>
    public OpenAIClient CreateClient(HttpClient http)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = ResolveEndpoint(),
            Transport = new HttpClientPipelineTransport(http),
            NetworkTimeout = RequestTimeout,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
        };
        // The SDK refuses an empty key; local servers accept any.
        var key = string.IsNullOrWhiteSpace(ApiKey) ? "not-needed" : ApiKey;
        return new OpenAIClient(new ApiKeyCredential(key), clientOptions);
    }
}
