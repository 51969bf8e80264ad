namespace RagLab.Infrastructure.Ollama;

/// <summary>Where Ollama runs and which models RagLab uses on it. Bound from <see cref="SectionName"/>.</summary>
/// <remarks>
/// Aspire connection strings (<c>ConnectionStrings:chat</c>, <c>ConnectionStrings:embeddings</c>) win over these values;
/// see <see cref="ResolveChat"/> and <see cref="ResolveEmbeddings"/>.
/// </remarks>
public sealed class OllamaOptions
{
    public const string SectionName = "RagLab:Ollama";

    /// <summary>Base URL of the Ollama server, e.g. <c>http://localhost:11434</c>.</summary>
    public string Endpoint { get; set; } = "http://localhost:11434";

    public string ChatModel { get; set; } = "qwen2.5:1.5b";

    public string EmbeddingModel { get; set; } = "all-minilm";

    /// <summary>Per-request timeout for chat and embeddings. Local models on a CPU are slow, hence minutes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest silence between two chunks of a streamed answer before it is abandoned with 504.</summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Failed chat calls in a row after which the model counts as down (answers turn extractive, /health Degraded).</summary>
    public int CircuitBreakerFailures { get; set; } = 5;

    /// <summary>How long the model counts as down once the circuit opened, before one call tries it again.</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the availability probe (<c>GET /api/tags</c>) may take before the server counts as down.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a probe outcome is reused before the server is asked again.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>When true, a configured model the server lacks is pulled in the background.</summary>
    public bool PullMissingModels { get; set; }

    /// <summary>
    /// The largest <c>num_ctx</c> RagLab sends, whatever the model's own window: Ollama allocates the KV cache for the whole window,
    /// so a model's 128k would cost gigabytes of RAM. The prompt budget fits the retrieved chunks into the smaller of the two.
    /// </summary>
    public int MaxContextTokens { get; set; } = 8192;

    /// <summary>The chat endpoint: the Aspire connection string when given, else <see cref="Endpoint"/> and <see cref="ChatModel"/>.</summary>
    /// <exception cref="FormatException">The connection string is malformed.</exception>
    public ModelEndpoint ResolveChat(string? connectionString = null) =>
        string.IsNullOrWhiteSpace(connectionString) ? ModelEndpoint.Create(Endpoint, ChatModel) : ModelEndpoint.Parse(connectionString);

    /// <summary>The embeddings endpoint: the Aspire connection string when given, else <see cref="Endpoint"/> and <see cref="EmbeddingModel"/>.</summary>
    /// <exception cref="FormatException">The connection string is malformed.</exception>
    public ModelEndpoint ResolveEmbeddings(string? connectionString = null) =>
        string.IsNullOrWhiteSpace(connectionString) ? ModelEndpoint.Create(Endpoint, EmbeddingModel) : ModelEndpoint.Parse(connectionString);
}
