extern alias api;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace RagLab.Benchmarks;

/// <summary>
/// The real Api (its own Program: the same middleware, routes and services as `dotnet run --project Api`) started in this
/// process on Kestrel at 127.0.0.1 and a free port, so requests go through sockets and HTTP as a client's would.
/// </summary>
internal sealed class LoopbackApi : WebApplicationFactory<api::Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;

    /// <param name="settings">Configuration on top of the Api's appsettings.json, e.g. <see cref="EmbeddedLabSettings.For"/>.</param>
    public LoopbackApi(IReadOnlyDictionary<string, string?> settings)
    {
        _settings = settings;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>Starts the server and returns its address, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri Start()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new Uri(addresses.First().TrimEnd('/') + "/");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // The factory looks for its manifest in the current directory, which `dotnet run` leaves where the caller stands.
        builder.UseContentRoot(ApiProjectDirectory());
        builder.UseEnvironment("Production");
        // A log line per request would measure the console, not the lab.
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in _settings) builder.UseSetting(key, value);
    }

    /// <summary>The Api's project folder (its appsettings.json), from the manifest Mvc.Testing writes beside this program.</summary>
    private static string ApiProjectDirectory()
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, "MvcTestingAppManifest.json");
        var roots = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(manifest))
                    ?? throw new InvalidDataException($"{manifest} is empty.");
        var assembly = typeof(api::Program).Assembly.FullName!;
        return roots.TryGetValue(assembly, out var root) ? root : throw new InvalidDataException($"{manifest} does not name {assembly}; rebuild the benchmarks.");
    }
}
