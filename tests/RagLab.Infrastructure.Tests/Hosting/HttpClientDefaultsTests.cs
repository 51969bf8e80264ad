using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Hosting;

public class HttpClientDefaultsTests
{
    private static IHost BuildHost(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddServiceDefaults();
        builder.Services.AddHttpClient("ollama").ConfigureTimeoutFromConfiguration("RagLab:Ollama:RequestTimeout", TimeSpan.FromMinutes(5));
        builder.Services.AddHttpClient("qdrant");
        return builder.Build();
    }

    [Fact]
    public void Ollama_client_gets_minutes_not_the_general_default()
    {
        using var host = BuildHost();
        var factory = host.Services.GetRequiredService<IHttpClientFactory>();

        Assert.Equal(TimeSpan.FromMinutes(5), factory.CreateClient("ollama").Timeout);
        Assert.Equal(Extensions.DefaultRequestTimeout, factory.CreateClient("qdrant").Timeout);
    }

    [Fact]
    public void Ollama_timeout_follows_configuration()
    {
        using var host = BuildHost(("RagLab:Ollama:RequestTimeout", "00:12:00"), ("RagLab:Http:Timeout", "30"));
        var factory = host.Services.GetRequiredService<IHttpClientFactory>();

        Assert.Equal(TimeSpan.FromMinutes(12), factory.CreateClient("ollama").Timeout);
        Assert.Equal(TimeSpan.FromSeconds(30), factory.CreateClient("qdrant").Timeout);
    }

    [Fact]
    public void Unreadable_timeout_names_the_setting()
    {
        using var host = BuildHost(("RagLab:Ollama:RequestTimeout", "five minutes"));
        var factory = host.Services.GetRequiredService<IHttpClientFactory>();

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient("ollama"));
        Assert.Contains("RagLab:Ollama:RequestTimeout", error.Message);
    }
}
