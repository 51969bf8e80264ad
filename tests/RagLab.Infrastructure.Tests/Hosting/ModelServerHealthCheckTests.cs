using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RagLab.Infrastructure.Health;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Hosting;

public class ModelServerHealthCheckTests
{
    private static Task<HealthCheckResult> Check(Func<ModelStatus> status) =>
        new ModelServerHealthCheck(new StatusOnlyModelProvider(status)).CheckHealthAsync(new HealthCheckContext(), CancellationToken.None);

    [Fact]
    public async Task Both_models_available_is_healthy_and_names_them()
    {
        var result = await Check(() => new ModelStatus("ollama", "http://localhost:11434", "qwen2.5:1.5b", true, "all-minilm", true));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("qwen2.5:1.5b", result.Description);
        Assert.Contains("all-minilm", result.Description);
        Assert.Equal("http://localhost:11434", result.Data["endpoint"]);
    }

    [Fact]
    public async Task Missing_chat_model_is_degraded_with_the_providers_error()
    {
        var result = await Check(() => new ModelStatus("ollama", "http://localhost:11434", "qwen2.5:1.5b", false, "all-minilm", true,
            "Model 'qwen2.5:1.5b' is not pulled. Run: ollama pull qwen2.5:1.5b"));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("chat model 'qwen2.5:1.5b'", result.Description);
        Assert.DoesNotContain("embedding model", result.Description);
        Assert.Contains("ollama pull qwen2.5:1.5b", result.Description);
        Assert.Equal(false, result.Data["chatAvailable"]);
    }

    [Fact]
    public async Task No_model_server_configured_is_degraded_because_extractive_answers_still_work()
    {
        var result = await Check(() => new ModelStatus("none", null, null, false, null, false));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("extractive", result.Description);
    }

    [Fact]
    public async Task Provider_failure_is_degraded_not_a_crash()
    {
        var result = await Check(() => throw new HttpRequestException("Connection refused (localhost:11434)"));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.IsType<HttpRequestException>(result.Exception);
    }

    private sealed class StatusOnlyModelProvider(Func<ModelStatus> status) : IModelProvider
    {
        public ValueTask<IChatClient?> GetChatClientAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IChatClient?>(null);

        public ValueTask<IEmbeddingGenerator<string, Embedding<float>>?> GetEmbeddingGeneratorAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult<IEmbeddingGenerator<string, Embedding<float>>?>(null);

        public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) => ValueTask.FromResult(status());
    }
}
