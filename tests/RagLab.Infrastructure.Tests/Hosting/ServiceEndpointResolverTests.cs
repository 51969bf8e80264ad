using Microsoft.Extensions.Configuration;
using RagLab.ServiceDefaults;
using RagLab.Core.Kernel;

namespace RagLab.Infrastructure.Tests.Hosting;

public class ServiceEndpointResolverTests
{
    private static ServiceEndpointResolver Resolver(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void HttpsPlusHttp_prefers_the_https_endpoint_Aspire_injects()
    {
        var resolver = Resolver(("services:api:https:0", "https://localhost:7001"), ("services:api:http:0", "http://localhost:5001"));

        Assert.Equal(new Uri("https://localhost:7001/api/ask?q=1"), resolver.Resolve(new Uri("https+http://api/api/ask?q=1")));
    }

    [Fact]
    public void HttpsPlusHttp_falls_back_to_http_when_no_https_endpoint_exists()
    {
        var resolver = Resolver(("services:api:http:0", "http://localhost:5001"));

        Assert.Equal(new Uri("http://localhost:5001/health"), resolver.Resolve(new Uri("https+http://api/health")));
    }

    [Fact]
    public void Plain_http_only_uses_the_http_endpoint()
    {
        var resolver = Resolver(("services:api:https:0", "https://localhost:7001"), ("services:api:http:0", "http://localhost:5001"));

        Assert.Equal(new Uri("http://localhost:5001/"), resolver.Resolve(new Uri("http://api")));
    }

    [Fact]
    public void Explicit_base_url_is_used_without_the_AppHost_and_keeps_its_path_base()
    {
        var resolver = Resolver(("RagLab:Endpoints:api", "http://127.0.0.1:5080/raglab/"));

        Assert.Equal(new Uri("http://127.0.0.1:5080/raglab/api/status"), resolver.Resolve(new Uri("https+http://api/api/status")));
    }

    [Fact]
    public void Aspire_endpoints_win_over_the_explicit_base_url()
    {
        var resolver = Resolver(("RagLab:Endpoints:api", "http://127.0.0.1:5080"), ("services:api:http:0", "http://localhost:5001"));

        Assert.Equal(new Uri("http://localhost:5001/x"), resolver.Resolve(new Uri("http://api/x")));
    }

    [Fact]
    public void Ordinary_addresses_pass_through_unchanged()
    {
        var resolver = Resolver(("services:api:http:0", "http://localhost:5001"));
        var ollama = new Uri("http://localhost:11434/api/tags");

        Assert.True(resolver.TryResolve(ollama, out var resolved));
        Assert.Equal(ollama, resolved);
    }

    [Fact]
    public void Unknown_service_with_a_combined_scheme_fails_with_the_setting_to_fix_it()
    {
        var resolver = Resolver();

        Assert.False(resolver.TryResolve(new Uri("https+http://api/x"), out _));
        var error = Assert.Throws<InvalidOperationException>(() => resolver.Resolve(new Uri("https+http://api/x")));
        Assert.Contains("RagLab__Endpoints__api", error.Message);
    }
}
