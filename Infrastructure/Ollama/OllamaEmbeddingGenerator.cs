using System.Diagnostics;
using Microsoft.Extensions.AI;
using RagLab.Core.Telemetry;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Ollama;

/// <summary>
/// Embeddings from Ollama's <c>POST /api/embed</c>, sent in batches of <paramref name="batchSize"/> texts and returned in input order.
/// Usage is the sum of each batch's <c>prompt_eval_count</c>.
/// </summary>
/// <remarks>Does not dispose <paramref name="httpClient"/>; whoever created it does.</remarks>
/// <param name="httpClient">Its <see cref="HttpClient.BaseAddress"/> is the Ollama endpoint.</param>
/// <param name="model">The model used when <see cref="EmbeddingGenerationOptions.ModelId"/> is not set.</param>
public sealed class OllamaEmbeddingGenerator(HttpClient httpClient, string model, int batchSize = 64) : IEmbeddingGenerator<string, Embedding<float>>
{
    private const string EmbedPath = "api/embed";
    private readonly Uri _endpoint = OllamaHttp.RequireBaseAddress(httpClient);
    private readonly string _model = string.IsNullOrWhiteSpace(model) ? throw new ArgumentException("An embedding model name is required.", nameof(model)) : model;
    private readonly int _batchSize = batchSize > 0 ? batchSize : throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");

    public EmbeddingGeneratorMetadata Metadata => new("ollama", _endpoint, _model);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values as IReadOnlyList<string> ?? values.ToList();
        var model = string.IsNullOrWhiteSpace(options?.ModelId) ? _model : options.ModelId;
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        if (texts.Count == 0)
            return result;

        using var activity = RagLabTelemetry.StartEmbedActivity("ollama", model, texts.Count);

        long inputTokens = 0;
        var anyCount = false;
        try
        {
            for (var start = 0; start < texts.Count; start += _batchSize)
            {
                var batch = texts.Skip(start).Take(_batchSize).ToList();
                var request = new OllamaEmbedRequest(model, batch, options?.Dimensions);
                using var response = await OllamaHttp.SendAsync(httpClient, HttpMethod.Post, EmbedPath, request, model, headersOnly: false, cancellationToken).ConfigureAwait(false);
                var body = await OllamaHttp.ReadJsonAsync<OllamaEmbedResponse>(response, _endpoint, cancellationToken).ConfigureAwait(false);
                if (body.Embeddings is null || body.Embeddings.Length != batch.Count)
                    throw new OllamaException(
                        $"Ollama at {_endpoint} returned {body.Embeddings?.Length ?? 0} embeddings for {batch.Count} texts from model '{model}'; is it an embedding model?");

                var createdAt = DateTimeOffset.UtcNow;
                foreach (var vector in body.Embeddings)
                    result.Add(new Embedding<float>(vector) { ModelId = body.Model ?? model, CreatedAt = createdAt });
                if (body.PromptEvalCount is { } count)
                {
                    inputTokens += count;
                    anyCount = true;
                }
            }
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, ex.Message);
            throw;
        }

        if (anyCount)
        {
            result.Usage = new UsageDetails { InputTokenCount = inputTokens, TotalTokenCount = inputTokens };
            RagLabTelemetry.InputTokens.Add(inputTokens, new KeyValuePair<string, object?>("gen_ai.request.model", model));
            activity?.SetTag("gen_ai.usage.input_tokens", inputTokens);
        }
        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
        // The HttpClient belongs to the caller.
    }
}
