using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RagLab.Web.Tests.Components;

namespace RagLab.Web.Tests.Api;

/// <summary>The Web's typed Api client as the Web registers it, talking to a scripted Api that records the key it got.</summary>
public sealed class ApiKeyTests
{
    [Theory]
    [InlineData("lab-key-1", "lab-key-1")]
    [InlineData(" lab-key-2 ", "lab-key-2")]
    [InlineData(null, null)]
    [InlineData("", null)]
    public async Task Every_request_carries_the_configured_key_and_none_goes_without_one(string? configured, string? expected)
    {
        var keys = new List<string[]?>();
        var api = new ScriptedApi()
            .On(HttpMethod.Get, "/api/status", request => Answer(request, Samples.Status()))
            .On(HttpMethod.Get, "/api/modes", request => Answer(request, Samples.Modes()));
        using var host = WebHost(configured, api);
        var client = host.Services.GetRequiredService<RagLabApiClient>();

        await client.GetStatusAsync(CancellationToken.None);
        await client.GetModesAsync("support", CancellationToken.None);

        Assert.Equal(["GET /api/status", "GET /api/modes?collection=support"], api.Requests);
        Assert.All(keys, sent => Assert.Equal(expected is null ? null : [expected], sent));
        Assert.Equal(2, keys.Count);

        Task<HttpResponseMessage> Answer(HttpRequestMessage request, object body)
        {
            lock (keys) keys.Add(request.Headers.TryGetValues(RagLab.Web.Api.ApiKeyHandler.HeaderName, out var values) ? [.. values] : null);
            return Task.FromResult(ScriptedApi.JsonResponse(body));
        }
    }

    [Fact]
    public void A_key_that_cannot_be_a_header_stops_the_Web_at_start_with_the_reason()
    {
        var error = Assert.Throws<InvalidOperationException>(() => WebHost("line\nbreak", new ScriptedApi()));

        Assert.Contains("RagLab:ApiKey holds a control character", error.Message);
    }

    /// <summary>The Web's own registration (<c>AddWebServices</c>), with the scripted Api as the network.</summary>
    private static IHost WebHost(string? apiKey, ScriptedApi api)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration["RagLab:ApiUrl"] = "http://api.test";
        if (apiKey is not null) builder.Configuration["RagLab:ApiKey"] = apiKey;
        builder.AddWebServices();
        builder.Services.AddHttpClient<RagLabApiClient>().ConfigurePrimaryHttpMessageHandler(() => api);
        return builder.Build();
    }
}
