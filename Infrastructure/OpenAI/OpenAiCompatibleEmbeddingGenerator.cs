using System.ClientModel;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using OpenAI;
using RagLab.Core.Telemetry;
using Sdk = OpenAI.Embeddings;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.OpenAI;

/// <summary>Embeddings from <c>/embeddings</c> of an OpenAI-compatible server, through the OpenAI SDK, in batches, in input order.</summary>
/// <param name="client">The SDK client; <see cref="OpenAiCompatibleOptions.CreateClient"/> makes one.</param>
/// <param name="model">The model used when <see cref="EmbeddingGenerationOptions.ModelId"/> is not set.</param>
/// <param name="endpoint">Shown in metadata and error messages.</param>
public sealed class OpenAiCompatibleEmbeddingGenerator(OpenAIClient client, string model, Uri endpoint, int batchSize = 64)
    : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly string _model = string.IsNullOrWhiteSpace(model) ? throw new ArgumentException("An embedding model name is required.", nameof(model)) : model;
    private readonly int _batchSize = batchSize > 0 ? batchSize : throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");

    /// <summary>A generator for the configured endpoint and <see cref="OpenAiCompatibleOptions.EmbeddingModel"/>.</summary>
    public static OpenAiCompatibleEmbeddingGenerator Create(OpenAiCompatibleOptions options) =>
        new(options.CreateClient(), options.EmbeddingModel ?? throw new ArgumentException("RagLab:OpenAI:EmbeddingModel is not set.", nameof(options)), options.ResolveEndpoint());

    public EmbeddingGeneratorMetadata Metadata => new("openai", endpoint, _model);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values as IReadOnlyList<string> ?? values.ToList();
        var model = string.IsNullOrWhiteSpace(options?.ModelId) ? _model : options.ModelId;
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        if (texts.Count == 0)
            return result;

        using var activity = RagLabTelemetry.StartEmbedActivity("openai", model, texts.Count);

        var embeddingClient = client.GetEmbeddingClient(model);
        var sdkOptions = new Sdk.EmbeddingGenerationOptions { Dimensions = options?.Dimensions };
        long inputTokens = 0;
        for (var start = 0; start < texts.Count; start += _batchSize)
        {
            var batch = texts.Skip(start).Take(_batchSize).ToList();
            Sdk.OpenAIEmbeddingCollection collection;
            try
            {
                collection = (await embeddingClient.GenerateEmbeddingsAsync(batch, sdkOptions, cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (Exception ex) when (ex is ClientResultException or HttpRequestException)
            {
                activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
                throw OpenAiCompatibleException.From(ex, endpoint, model);
            }
            if (collection.Count != batch.Count)
                throw new OpenAiCompatibleException($"The server at {endpoint} returned {collection.Count} embeddings for {batch.Count} texts from model '{model}'.");

            var createdAt = DateTimeOffset.UtcNow;
            // Servers may answer out of order; "index" says which input each vector belongs to.
            foreach (var embedding in collection.OrderBy(e => e.Index))
                result.Add(new Embedding<float>(embedding.ToFloats()) { ModelId = collection.Model ?? model, CreatedAt = createdAt });
            inputTokens += collection.Usage?.InputTokenCount ?? 0;
        }

        result.Usage = new UsageDetails { InputTokenCount = inputTokens, TotalTokenCount = inputTokens };
        RagLabTelemetry.InputTokens.Add(inputTokens, new KeyValuePair<string, object?>("gen_ai.request.model", model));
        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : serviceType == typeof(OpenAIClient) ? client
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        // The SDK client holds no resources of its own to release.
    }
}
