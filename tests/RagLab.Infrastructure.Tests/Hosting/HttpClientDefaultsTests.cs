using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using RagLab.Infrastructure.Hosting;

namespace RagLab.Infrastructure.Tests.Hosting;

/// <summary>The service defaults plus the model client's own resilience settings, as the Api and Worker get them.</summary>
public class HttpClientDefaultsTests
{
    private static IHost BuildHost(CountingHandler handler)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection();
        builder.AddServiceDefaults();
        builder.Services.AddResilientHttpClient(RagLabHttpClients.Ollama, TimeSpan.FromMinutes(5), "/api/tags")
            .ConfigurePrimaryHttpMessageHandler(() => handler);
        builder.Services.AddHttpClient("other").ConfigurePrimaryHttpMessageHandler(() => handler);
        // Retry at once, so the test does not wait for the standard back-off.
        builder.Services.Configure<HttpStandardResilienceOptions>($"{RagLabHttpClients.Ollama}-standard", o => o.Retry.Delay = TimeSpan.Zero);
        builder.Services.Configure<HttpStandardResilienceOptions>("standard", o => o.Retry.Delay = TimeSpan.Zero);
        return builder.Build();
    }

    [Fact]
    public void Model_client_gets_a_five_minute_attempt_timeout_not_the_standard_ten_seconds()
    {
        using var host = BuildHost(new CountingHandler());
        var options = host.Services.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>();

        Assert.Equal(TimeSpan.FromMinutes(5), options.Get($"{RagLabHttpClients.Ollama}-standard").AttemptTimeout.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Get("standard").AttemptTimeout.Timeout);
    }

    [Theory]
    [InlineData("api/chat")]
    [InlineData("api/generate")]
    [InlineData("v1/chat/completions")]
    public async Task A_generation_post_is_sent_once_even_when_the_server_answers_503(string path)
    {
        var handler = new CountingHandler();
        using var host = BuildHost(handler);
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(RagLabHttpClients.Ollama);

        using var response = await http.PostAsync(new Uri("http://ollama.test/" + path), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, handler.Requests);
    }

    [Fact]
    public async Task Other_requests_of_the_model_client_are_retried()
    {
        var handler = new CountingHandler();
        using var host = BuildHost(handler);
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(RagLabHttpClients.Ollama);

        using var response = await http.PostAsync(new Uri("http://ollama.test/api/embed"), new StringContent("{}"));

        Assert.Equal(4, handler.Requests); // the first attempt and the standard handler's three retries
    }

    [Fact]
    public async Task Every_other_client_gets_the_standard_retry()
    {
        var handler = new CountingHandler();
        using var host = BuildHost(handler);
        var http = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("other");

        using var response = await http.GetAsync(new Uri("http://other.test/status"));

        Assert.Equal(4, handler.Requests);
    }

    /// <summary>Answers every request with 503 and counts them.</summary>
    private sealed class CountingHandler : HttpMessageHandler
    {
        private int _requests;

        public int Requests => _requests;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request });
        }
    }
}
