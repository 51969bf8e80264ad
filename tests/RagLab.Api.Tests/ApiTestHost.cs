using Microsoft.Extensions.DependencyInjection;

namespace RagLab.Api.Tests;

/// <summary>
/// The Api for one test: a fresh temporary data directory, a <see cref="RagLabApiFactory"/> over it and a client to it, all
/// removed when the test ends. The test class passes its own model server, settings and test services, so they stay in view there.
/// </summary>
public sealed class ApiTestHost : IDisposable, IAsyncDisposable
{
    private readonly TempDirectory _data = new();

    /// <param name="ollamaEndpoint">The model server; none (a refused port) when omitted.</param>
    /// <param name="settings">Configuration overrides, as <see cref="RagLabApiFactory"/> takes them.</param>
    /// <param name="testServices">Replaces services after the Api registered its own.</param>
    public ApiTestHost(Uri? ollamaEndpoint = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? testServices = null)
    {
        Factory = new RagLabApiFactory(_data.Path, ollamaEndpoint, settings) { TestServices = testServices };
        Client = Factory.CreateClient();
    }

    public string DataDirectory => _data.Path;

    public RagLabApiFactory Factory { get; }

    /// <summary>A client to the started Api; more (e.g. with other headers) come from <see cref="Factory"/>.</summary>
    public HttpClient Client { get; }

    public void Dispose()
    {
        Client.Dispose();
        Factory.Dispose();
        _data.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        _data.Dispose();
    }
}
