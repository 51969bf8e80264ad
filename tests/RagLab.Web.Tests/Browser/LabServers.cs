extern alias api;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using RagLab.Testing;

namespace RagLab.Web.Tests.Browser;

/// <summary>
/// The real Api and the real Web, each on Kestrel on a free loopback port, the in-test Ollama-protocol server as the model
/// (chat and embeddings), and Debian's Chromium driven by Playwright. One set per test class: starting them is the slow part.
/// </summary>
public sealed class LabServers : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _data = Path.Combine(Path.GetTempPath(), "raglab-web-test-" + Guid.NewGuid().ToString("n"));
    private ApiFactory _api = null!;
    private WebFactory _web = null!;
    private IPlaywright _playwright = null!;

    public FakeOllamaServer Ollama { get; private set; } = null!;
    public Uri ApiAddress { get; private set; } = null!;
    public Uri WebAddress { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public LoopbackWatch Requests { get; } = new();

    /// <summary>A client for the Api, to set up data a test is not about.</summary>
    public HttpClient ApiClient { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"The browser tests drive Debian's Chromium at {ChromiumPath}: apt-get install chromium (.ci/run does).");
        Directory.CreateDirectory(_data);
        Ollama = await FakeOllamaServer.StartAsync();
        Ollama.Respond = LabModel.Respond;
        // Slow enough that a streaming answer is seen streaming, fast enough for an eval run of a few questions.
        Ollama.TokenDelay = TimeSpan.FromMilliseconds(60);

        _api = new ApiFactory(_data, Ollama.BaseAddress);
        _api.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _api.StartServer();
        ApiAddress = AddressOf(_api.Services);
        ApiClient = new HttpClient { BaseAddress = ApiAddress };

        _web = new WebFactory(ApiAddress);
        _web.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _web.StartServer();
        WebAddress = AddressOf(_web.Services);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        // Machines running these tests are shared and slow: wait for conditions generously, never for fixed times.
        Assertions.SetDefaultExpectTimeout(90_000);
    }

    /// <summary>A new browser tab with its own storage, whose every request is recorded.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = WebAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(90_000);
        context.Request += (_, request) => Requests.Record("browser", request.Url);
        var page = await context.NewPageAsync();
        page.WebSocket += (_, socket) => Requests.Record("browser websocket", socket.Url);
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        ApiClient?.Dispose();
        if (_web is not null) await _web.DisposeAsync();
        if (_api is not null) await _api.DisposeAsync();
        if (Ollama is not null) await Ollama.DisposeAsync();
        Requests.Dispose();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static Uri AddressOf(IServiceProvider services) =>
        new(services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1") + "/");

    /// <summary>The Api on the embedded default in a temporary data directory, with the in-test server for chat and embeddings.</summary>
    private sealed class ApiFactory(string data, Uri ollama) : WebApplicationFactory<api::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("RagLab:DataDirectory", data);
            builder.UseSetting("RagLab:Ollama:Endpoint", ollama.ToString());
            builder.UseSetting("RagLab:Ollama:EmbeddingModel", "all-minilm");
            builder.UseSetting("RagLab:Ollama:ProbeInterval", "00:00:00.200");
            builder.UseSetting("RagLab:Embeddings:Model", "off");
        }
    }

    /// <summary>The Web, pointed at the Api by <c>RagLab:ApiUrl</c> as when it runs alone.</summary>
    private sealed class WebFactory(Uri api) : WebApplicationFactory<RagLabApiClient>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("RagLab:ApiUrl", api.ToString().TrimEnd('/'));
            builder.UseSetting("RagLab:Web:PollInterval", "00:00:00.300");
        }
    }
}
