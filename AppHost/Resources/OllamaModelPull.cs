using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OllamaSharp;

namespace RagLab.AppHost.Resources;

/// <summary>Pulls a model once its server is healthy, publishing "Downloading {model} {n}%" as the model resource's state.</summary>
internal static class OllamaModelPull
{
    public static async Task PullAsync(OllamaModelResource model, ResourceNotificationService notifications, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = await model.GetServerUriAsync(cancellationToken), Timeout = Timeout.InfiniteTimeSpan };
            var client = new OllamaApiClient(http);
            var local = await client.ListLocalModelsAsync(cancellationToken);
            if (!local.Any(m => SameModel(m.Name, model.ModelName)))
            {
                long shown = -1;
                await foreach (var status in client.PullModelAsync(model.ModelName, cancellationToken))
                {
                    if (status is null) continue;
                    // Lines without a size ("verifying sha256 digest", "writing manifest") keep the last figure rather than showing 0% after 100%.
                    var percent = status.Total > 0 ? (long)(status.Completed * 100.0 / status.Total) : Math.Max(shown, 0);
                    if (percent == shown) continue;
                    shown = percent;
                    logger.LogInformation("{Model}: {Status} {Percent}%", model.ModelName, status.Status, percent);
                    await notifications.PublishUpdateAsync(model, state => state with
                    {
                        State = new ResourceStateSnapshot($"Downloading {model.ModelName} {percent}%", KnownResourceStateStyles.Info),
                    });
                }
            }
            logger.LogInformation("{Model} is ready", model.ModelName);
            await notifications.PublishUpdateAsync(model, state => state with
            {
                State = new ResourceStateSnapshot(KnownResourceStates.Running, KnownResourceStateStyles.Success),
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Pulling {Model} failed; the lab answers extractively until a chat model is available", model.ModelName);
            await notifications.PublishUpdateAsync(model, state => state with
            {
                State = new ResourceStateSnapshot(KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error),
            });
        }
    }

    private static bool SameModel(string local, string wanted) =>
        string.Equals(local, wanted, StringComparison.OrdinalIgnoreCase)
        || string.Equals(local, wanted + ":latest", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Healthy once the server knows the model (<c>/api/show</c> answers 404 until it is pulled).</summary>
internal sealed class OllamaModelHealthCheck(OllamaModelResource model) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = await model.GetServerUriAsync(cancellationToken), Timeout = TimeSpan.FromSeconds(10) };
            await new OllamaApiClient(http).ShowModelAsync(model.ModelName, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{model.ModelName} is not on the server yet: {ex.Message}");
        }
    }
}
