using Microsoft.Extensions.DependencyInjection;
using RagLab.Infrastructure.Hosting;

namespace RagLab.Infrastructure.Tests.Ollama;

/// <summary>The named HttpClients as AddRagLab registers them, for constructing model providers in tests.</summary>
internal static class ModelHttpClientFactory
{
    public static IHttpClientFactory Create(TimeSpan? requestTimeout = null)
    {
        var services = new ServiceCollection();
        services.AddResilientHttpClient(RagLabHttpClients.Ollama, requestTimeout ?? TimeSpan.FromMinutes(5), "/api/tags");
        services.AddResilientHttpClient(RagLabHttpClients.OpenAiCompatible, requestTimeout ?? TimeSpan.FromMinutes(5), "/models");
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
    }
}
