using Microsoft.Extensions.Diagnostics.HealthChecks;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Health;

/// <summary>
/// Reports whether the configured chat and embedding models can be used. A missing model is Degraded, not Unhealthy:
/// the lab still answers with extractive fallback and lexical retrieval.
/// </summary>
public sealed class ModelServerHealthCheck(IModelProvider modelProvider) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ModelStatus status;
        try
        {
            status = await modelProvider.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Degraded(
                "Could not ask the model provider for its status; answers fall back to extractive mode.", exception);
        }

        var data = new Dictionary<string, object>
        {
            ["provider"] = status.Provider,
            ["chatAvailable"] = status.ChatAvailable,
            ["embeddingsAvailable"] = status.EmbeddingsAvailable,
        };
        AddIfPresent(data, "endpoint", status.Endpoint);
        AddIfPresent(data, "chatModel", status.ChatModel);
        AddIfPresent(data, "embeddingModel", status.EmbeddingModel);

        if (status.ChatAvailable && status.EmbeddingsAvailable)
        {
            return HealthCheckResult.Healthy(
                $"Chat model '{status.ChatModel}' and embedding model '{status.EmbeddingModel}' are available at {status.Endpoint}.", data);
        }

        return HealthCheckResult.Degraded(DescribeProblem(status), data: data);
    }

    private static string DescribeProblem(ModelStatus status)
    {
        if (status.Endpoint is null)
        {
            return status.Error ?? "No model server is configured; answers use extractive fallback and retrieval is lexical only.";
        }

        var missing = new List<string>(2);
        if (!status.ChatAvailable)
        {
            missing.Add($"chat model '{status.ChatModel ?? "(not set)"}'");
        }

        if (!status.EmbeddingsAvailable)
        {
            missing.Add($"embedding model '{status.EmbeddingModel ?? "(not set)"}'");
        }

        var summary = $"Not available at {status.Endpoint}: {string.Join(" and ", missing)}.";
        return status.Error is { Length: > 0 } error ? $"{summary} {error}" : summary;
    }

    private static void AddIfPresent(Dictionary<string, object> data, string key, string? value)
    {
        if (value is not null)
        {
            data[key] = value;
        }
    }
}
