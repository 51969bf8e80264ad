using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RagLab.ServiceDefaults;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Hosting;

public class ServiceEndpointRewritingHandlerTests
{
    [Fact]
    public async Task Handler_sends_the_request_to_the_resolved_address()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("services:api:http:0", "http://localhost:5001")])
            .Build();
        var recorder = new RecordingHandler();
        using var client = new HttpClient(new ServiceEndpointRewritingHandler(new ServiceEndpointResolver(configuration)) { InnerHandler = recorder })
        {
            BaseAddress = new Uri("https+http://api"),
        };

        using var response = await client.GetAsync("/api/status?verbose=true", CancellationToken.None);

        Assert.Equal(new Uri("http://localhost:5001/api/status?verbose=true"), recorder.LastRequestUri);
    }

    [Fact]
    public async Task Client_from_service_defaults_reaches_a_real_server_through_its_logical_name()
    {
        await using var api = await LoopbackWebApp.StartAsync(null, app => app.MapGet("/api/ping", () => "pong from api"));

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new("services:api:http:0", api.BaseAddress.ToString())]);
        builder.AddServiceDefaults();
        builder.Services.AddHttpClient("api", client => client.BaseAddress = new Uri("https+http://api"));
        using var host = builder.Build();

        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("api");
        var body = await client.GetStringAsync("/api/ping", CancellationToken.None);

        Assert.Equal("pong from api", body);
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public Uri? LastRequestUri { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastRequestUri = request.RequestUri;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
